package migrate

import (
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		parse func(string) (string, error)
		in    string
		want  string // the value spelt back, or the error
	}{
		{renameString, "Old=New", "--rename Old=New"},
		{renameString, "User.name=fullName", "--rename User.name=fullName"},
		{renameString, "Old", `"Old" is not Old=New or Model.old=new`},
		{renameString, "User.name=full name", `"User.name=full name" is not Old=New or Model.old=new`},
		{renameString, "a.b.c=d", `"a.b.c=d" is not Old=New or Model.old=new`},
		{targetString, "User", "User"},
		{targetString, "User.nick", "User.nick"},
		{targetString, "1User", `"1User" is not a model name or Model.column`},
		{targetString, "User.", `"User." is not a model name or Model.column`},
		{defaultString, "User.bio=a = b", "--default User.bio=a = b"},
		{defaultString, "User.bio=", "--default User.bio="},
		{defaultString, "User=1", `"User=1" is not Model.column=value`},
	} {
		got, err := tc.parse(tc.in)
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func renameString(s string) (string, error) {
	r, err := ParseRename(s)
	return r.String(), err
}

func targetString(s string) (string, error) {
	r, err := ParseTarget(s)
	return r.String(), err
}

func defaultString(s string) (string, error) {
	r, err := ParseDefault(s)
	return r.String(), err
}

// TestLiteral checks the SQL values --default gives, per column type.
func TestLiteral(t *testing.T) {
	for _, tc := range []struct{ typ, value, want string }{
		{"int", "-42", "-42"},
		{"int", "4.2", `"4.2" is not a 64-bit integer`},
		{"int", "99999999999999999999", `"99999999999999999999" is not a 64-bit integer`},
		{"real", "2.50", "2.5"},
		{"real", "1e3", "1000"},
		{"real", "NaN", `"NaN" is not a finite number`},
		{"bool", "true", "1"},
		{"bool", "false", "0"},
		{"bool", "1", `"1" is not true or false`},
		{"string", "it's", "'it''s'"},
		{"string", "", "''"},
		{"date", "2024-01-31", "'2024-01-31'"},
		{"date", "2024-01-31T09:30:00.5Z", "'2024-01-31T09:30:00.5Z'"},
		{"date", "31/01/2024", `"31/01/2024" is not a date such as 2024-01-31 or 2024-01-31T09:30:00Z`},
		{"json", `{"a":[1]}`, `'{"a":[1]}'`},
		{"json", "{", `"{" is not JSON`},
		{"blob", "CAFE", "X'CAFE'"},
		{"blob", "xyz", `"xyz" is not bytes in hexadecimal`},
	} {
		got, err := literal(tc.typ, tc.value)
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s %q: got %s, want %s", tc.typ, tc.value, got, tc.want)
		}
	}
}

func TestFileNames(t *testing.T) {
	for _, name := range []string{"init", "add_user-2", "X"} {
		if err := CheckName(name); err != nil {
			t.Errorf("CheckName(%q): %v", name, err)
		}
	}
	for _, name := range []string{"", "a b", "a/b", "ä", "a.sql"} {
		if CheckName(name) == nil {
			t.Errorf("CheckName(%q) accepted it", name)
		}
	}
	for _, tc := range []struct {
		file, name, ext string
		ts              int64
		ok              bool
	}{
		{"1700000000_init.sql", "init", "sql", 1700000000, true},
		{"0001_first.sql", "first", "sql", 1, true},
		{"1700000000_a_b.json", "a_b", "json", 1700000000, true},
		{"1700000000_m.ts", "m", "ts", 1700000000, true},
		{"init.sql", "", "", 0, false},
		{"1700000000_init.txt", "", "", 0, false},
		{"99999999999999999999_x.sql", "", "", 0, false},
	} {
		ts, name, ext, ok := ParseFileName(tc.file)
		if ts != tc.ts || name != tc.name || ext != tc.ext || ok != tc.ok {
			t.Errorf("ParseFileName(%q) = %d, %q, %q, %v", tc.file, ts, name, ext, ok)
		}
	}
	now := time.Unix(1700000000, 0)
	for last, want := range map[int64]int64{0: 1700000000, 1699999999: 1700000000, 1700000000: 1700000001, 1800000000: 1800000001} {
		if got := NextTimestamp(now, last); got != want {
			t.Errorf("NextTimestamp(now, %d) = %d, want %d", last, got, want)
		}
	}
}

// TestModuleEscapes checks that SQL reaches a Durable Object module's
// template literals unchanged and that comments cannot end early.
func TestModuleEscapes(t *testing.T) {
	if got, want := templateEscaper.Replace("a`b${c}\\d$e{"), "a\\`b\\${c}\\\\d$e{"; got != want {
		t.Errorf("escaped %q, want %q", got, want)
	}
	if got := oneLine("a\nb\r\nc\u2028d\u2029e"); got != "a b c d e" {
		t.Errorf("oneLine = %q", got)
	}
}
