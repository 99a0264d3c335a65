package migrate

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Describe returns the plan for a person: one line per step, with what
// the step destroys and what can make it fail.
func (p *Plan) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q:", KindName(p.Kind), p.Binding)
	if p.Empty() {
		b.WriteString(" no tables to create\n")
		return b.String()
	}
	b.WriteString("\n")
	for _, s := range p.Steps {
		fmt.Fprintf(&b, "  %s\n", s.Summary)
		for _, l := range s.Loses {
			fmt.Fprintf(&b, "    DATA LOSS: %s\n", l.What)
		}
		for _, r := range s.Risks {
			fmt.Fprintf(&b, "    fails if %s\n", r)
		}
	}
	return b.String()
}

// SQL returns the D1 migration file: each step's statements under a
// comment saying what it does. Wrangler applies the file in one
// transaction, so a failing statement leaves the database as it was.
func (p *Plan) SQL(timestamp int64, name string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "-- Migration %s of D1 database %q, planned by cloesce migrate.\n", Stem(timestamp, name), p.Binding)
	fmt.Fprintf(&b, "-- Apply it with: wrangler d1 migrations apply %s\n", p.Binding)
	if p.Empty() {
		b.WriteString("\n-- No model of this database has a table yet.\n")
	}
	for _, s := range p.Steps {
		fmt.Fprintf(&b, "\n%s", comment("-- ", s))
		for _, stmt := range s.SQL {
			b.WriteString(stmt + ";\n")
		}
	}
	return []byte(b.String())
}

// comment writes a step's summary, losses and risks as comment lines.
func comment(prefix string, s *Step) string {
	var b strings.Builder
	b.WriteString(prefix + oneLine(s.Summary) + "\n")
	for _, l := range s.Loses {
		b.WriteString(prefix + lossMark + oneLine(l.What) + "\n")
	}
	for _, r := range s.Risks {
		b.WriteString(prefix + "fails if " + oneLine(r) + "\n")
	}
	return b.String()
}

// A migration file says what it destroys in comment lines "DATA LOSS:
// <what>", written only once the user allowed the loss; a dropped table's
// <what> is everyRow and the table's quoted name. A person writing a
// migration that deletes some of a table's rows declares it the same way,
// with someRows.
const (
	lossMark = "DATA LOSS: "
	everyRow = "every row of table "
	someRows = "rows of table "
)

// DeclaredRowLosses returns the tables a migration file (SQL or a Durable
// Object module) declares it may delete rows of: its DATA LOSS comment
// lines naming every row, or rows, of a table, e.g.
//
//	-- DATA LOSS: every row of table "Person"
//	-- DATA LOSS: rows of table "Session"
//
// A loss of column values leaves the rows, and is not listed.
func DeclaredRowLosses(text string) []string {
	var out []string
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		rest, ok := strings.CutPrefix(line, "--")
		if !ok {
			rest, ok = strings.CutPrefix(line, "//")
		}
		if !ok {
			continue
		}
		if rest, ok = strings.CutPrefix(strings.TrimSpace(rest), lossMark); !ok {
			continue
		}
		for _, what := range []string{everyRow, someRows} {
			if quoted, ok := strings.CutPrefix(rest, what); ok {
				if name, ok := unquoteIdent(quoted); ok {
					out = append(out, name)
				}
			}
		}
	}
	return out
}

// unquoteIdent reads the identifier quoted as quoteIdent quotes it at the
// start of s.
func unquoteIdent(s string) (string, bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '"' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		return b.String(), b.Len() > 0
	}
	return "", false
}

// oneLine keeps a comment on its line: JavaScript also ends lines at
// U+2028 and U+2029.
func oneLine(s string) string { return lineBreaks.Replace(s) }

var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\u2028", " ", "\u2029", " ")

// DurableModule returns the TypeScript module of a Durable Object
// migration. The runtime's applyDurableMigrations runs its up function
// once, inside a transaction, when the object starts.
func (p *Plan) DurableModule(timestamp int64, name string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "// Migration %s of Durable Object %q, planned by cloesce migrate.\n", Stem(timestamp, name), p.Binding)
	b.WriteString("// The object applies it once, in order with the others of its directory.\n")
	b.WriteString("import type { DurableMigration } from \"cloesce\";\n\n")
	b.WriteString("export default {\n")
	fmt.Fprintf(&b, "  id: %s,\n", strconv.Quote(Stem(timestamp, name)))
	fmt.Fprintf(&b, "  timestamp: %d,\n", timestamp)
	fmt.Fprintf(&b, "  name: %s,\n", strconv.Quote(name))
	if p.Empty() {
		b.WriteString("  up(_sql: SqlStorage): void {\n    // No model of this object has a table yet.\n  },\n")
	} else {
		b.WriteString("  up(sql: SqlStorage): void {\n")
		for i, s := range p.Steps {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString(comment("    // ", s))
			for _, stmt := range s.SQL {
				fmt.Fprintf(&b, "    sql.exec(`%s`);\n", templateEscaper.Replace(stmt))
			}
		}
		b.WriteString("  },\n")
	}
	b.WriteString("} satisfies DurableMigration;\n")
	return []byte(b.String())
}

// templateEscaper makes text safe inside a JavaScript template literal.
var templateEscaper = strings.NewReplacer("\\", "\\\\", "`", "\\`", "${", "\\${")

// migrationName is compiled on first use: its {1,100} makes it the
// costliest regexp to compile, which every command would pay at start.
var migrationName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`) })

// CheckName reports whether name can name a migration: letters, digits,
// '_' and '-', so that it is safe in a file name and a TypeScript string.
func CheckName(name string) error {
	if !migrationName().MatchString(name) {
		return fmt.Errorf("migration name %q must be 1 to 100 letters, digits, '_' or '-'", name)
	}
	return nil
}

// Stem is the file name of a migration without its extension.
func Stem(timestamp int64, name string) string { return fmt.Sprintf("%d_%s", timestamp, name) }

var fileName = regexp.MustCompile(`^([0-9]+)_(.+)\.(sql|ts|json)$`)

// ParseFileName splits a migrations directory entry named
// <timestamp>_<name>.<sql|ts|json>; ok is false for other names.
func ParseFileName(base string) (timestamp int64, name, ext string, ok bool) {
	m := fileName.FindStringSubmatch(base)
	if m == nil {
		return 0, "", "", false
	}
	ts, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return 0, "", "", false
	}
	return ts, m[2], m[3], true
}

// NextTimestamp returns the timestamp of a migration made at now, in a
// directory whose latest migration has timestamp last: now in Unix
// seconds, or last+1 when that is not later, so that files stay in order.
func NextTimestamp(now time.Time, last int64) int64 {
	return max(now.Unix(), last+1)
}
