package migrate

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Options are the user's decisions that a schema diff cannot infer.
type Options struct {
	Renames  []Rename  // --rename: tables and columns that were renamed
	Drops    []Target  // --drop: tables and columns that are gone, not renamed
	Defaults []Default // --default: values for existing rows of new required columns
	// Ask answers a question that Renames and Drops leave open: it returns
	// the new name, or "" for a drop. When Ask is nil, open questions make
	// Diff fail with an [*UnresolvedError].
	Ask func(Question) (string, error)
}

// A Target names a table (Column == "") or a column of one.
type Target struct{ Table, Column string }

func (t Target) String() string {
	if t.Column == "" {
		return t.Table
	}
	return t.Table + "." + t.Column
}

// A Rename says that Target is now called To: `--rename Old=New` for a
// model, `--rename Model.old=new` for a column, Model being its current or
// its former name.
type Rename struct {
	Target
	To string
}

func (r Rename) String() string { return "--rename " + r.Target.String() + "=" + r.To }

// A Default gives the value that existing rows get in a required column
// added to their table or made required: `--default Model.column=value`.
type Default struct {
	Target
	Value string
}

func (d Default) String() string { return "--default " + d.Target.String() + "=" + d.Value }

var ident = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ParseTarget parses "Model" or "Model.column".
func ParseTarget(s string) (Target, error) {
	table, column, dotted := strings.Cut(s, ".")
	if !ident.MatchString(table) || dotted && !ident.MatchString(column) {
		return Target{}, fmt.Errorf("%q is not a model name or Model.column", s)
	}
	return Target{Table: table, Column: column}, nil
}

// ParseRename parses "Old=New" or "Model.old=new".
func ParseRename(s string) (Rename, error) {
	from, to, ok := strings.Cut(s, "=")
	t, err := ParseTarget(from)
	if !ok || err != nil || !ident.MatchString(to) {
		return Rename{}, fmt.Errorf("%q is not Old=New or Model.old=new", s)
	}
	return Rename{Target: t, To: to}, nil
}

// ParseDefault parses "Model.column=value". The value is checked against
// the column's type when it is used.
func ParseDefault(s string) (Default, error) {
	from, value, ok := strings.Cut(s, "=")
	t, err := ParseTarget(from)
	if !ok || err != nil || t.Column == "" {
		return Default{}, fmt.Errorf("%q is not Model.column=value", s)
	}
	return Default{Target: t, Value: value}, nil
}

// literal returns value as an SQL literal for a column of type typ.
func literal(typ, value string) (string, error) {
	switch typ {
	case "int":
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return "", fmt.Errorf("%q is not a 64-bit integer", value)
		}
		return strconv.FormatInt(n, 10), nil
	case "real":
		f, err := strconv.ParseFloat(value, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return "", fmt.Errorf("%q is not a finite number", value)
		}
		return strconv.FormatFloat(f, 'g', -1, 64), nil
	case "bool":
		b, err := strconv.ParseBool(value)
		if err != nil || value != "true" && value != "false" {
			return "", fmt.Errorf("%q is not true or false", value)
		}
		if b {
			return "1", nil
		}
		return "0", nil
	case "date":
		if !isDate(value) {
			return "", fmt.Errorf("%q is not a date such as 2024-01-31 or 2024-01-31T09:30:00Z", value)
		}
	case "json":
		if !json.Valid([]byte(value)) {
			return "", fmt.Errorf("%q is not JSON", value)
		}
	case "blob":
		if _, err := hex.DecodeString(value); err != nil {
			return "", fmt.Errorf("%q is not bytes in hexadecimal", value)
		}
		return "X'" + value + "'", nil
	}
	return quoteText(value), nil
}

func isDate(s string) bool {
	for _, layout := range []string{time.DateOnly, time.RFC3339Nano} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// zeroValues are the values existing rows get in a new required column
// when the user gives none. Dates and foreign keys have no value that is
// right for every row, so they have none here.
var zeroValues = map[string]string{
	"int": "0", "real": "0.0", "bool": "0", "string": "''", "json": "'null'", "blob": "X''",
}

// A Question asks whether a table or a column that is gone was renamed.
type Question struct {
	Table   string   // for a table, its former name; for a column, its table's current name
	Column  string   // the column that is gone; "" when asking about a table
	Options []string // new tables or columns of the same table it may have become
}

func (q Question) target() Target { return Target{Table: q.Table, Column: q.Column} }

// String states the question in one line.
func (q Question) String() string {
	what := "model"
	if q.Column != "" {
		what = "column"
	}
	return fmt.Sprintf("%s %q is gone and %s new: was it renamed?", what, q.target(), describeNew(q))
}

func describeNew(q Question) string {
	names := make([]string, len(q.Options))
	for i, o := range q.Options {
		names[i] = strconv.Quote(Target{Table: q.Table, Column: o}.String())
		if q.Column == "" {
			names[i] = strconv.Quote(o)
		}
	}
	if len(names) == 1 {
		return names[0] + " is"
	}
	return strings.Join(names, ", ") + " are"
}

// Help says which flags answer the question.
func (q Question) Help() string {
	to := q.Options[0]
	return fmt.Sprintf("pass --rename %s=%s if it was renamed, or --drop %s if its data should go", q.target(), to, q.target())
}

// An UnresolvedError lists the questions Diff could not ask.
type UnresolvedError struct {
	Kind, Binding string
	Questions     []Question
}

func (e *UnresolvedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q: cannot tell renames from drops without a terminal to ask:", KindName(e.Kind), e.Binding)
	for _, q := range e.Questions {
		fmt.Fprintf(&b, "\n  %s\n    %s", q, q.Help())
	}
	return b.String()
}

// A MissingError lists the values existing rows need and the user did not
// give, or gave in a form the column cannot take.
type MissingError struct {
	Kind, Binding string
	Missing       []Missing
}

// A Missing is a value existing rows need in a required column.
type Missing struct {
	Target  Target // the column
	Message string // what is missing or wrong
	Help    string // how to give it; "" when Message says it
}

func (e *MissingError) Error() string {
	var b strings.Builder
	b.WriteString("existing rows need values:")
	for _, m := range e.Missing {
		fmt.Fprintf(&b, "\n  %s", m.Message)
		if m.Help != "" {
			fmt.Fprintf(&b, ": %s", m.Help)
		}
	}
	return b.String()
}
