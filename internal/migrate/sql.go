package migrate

import (
	"fmt"
	"strings"
)

// quoteIdent quotes an SQL identifier.
func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// quoteText quotes an SQL string literal.
func quoteText(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func qualified(table, column string) string { return quoteIdent(table) + "." + quoteIdent(column) }

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteIdent(n)
	}
	return strings.Join(q, ", ")
}

// columnList names columns of a table for messages: "T"."a" or "T" ("a", "b").
func columnList(table string, cols []string) string {
	if len(cols) == 1 {
		return qualified(table, cols[0])
	}
	return quoteIdent(table) + " (" + quoteList(cols) + ")"
}

// rowValue is the target of an UPDATE ... SET: a column, or a row value
// of several.
func rowValue(cols []string) string {
	if len(cols) == 1 {
		return cols[0]
	}
	return "(" + strings.Join(cols, ", ") + ")"
}

// backup names the table that holds a table's rows during a rebuild.
func backup(table string) string { return "_cloesce_bak_" + table }

// sequenceBackup names the table that holds a table's row of
// sqlite_sequence while the table is rebuilt. It cannot be the backup of
// another table, whose name would start with _cloesce_bak_.
func sequenceBackup(table string) string { return "_cloesce_seq_" + table }

// uniqueIndexName names the unique index of a unique group.
func uniqueIndexName(table string, cols []string) string {
	return table + "_" + strings.Join(cols, "_") + "_key"
}

// plainIndexName names a plain index. Its prefix keeps it apart from
// the unique index of the same columns, which ends in "_key".
func plainIndexName(table string, cols []string) string {
	return "idx_" + table + "_" + strings.Join(cols, "_")
}

// createTable returns the CREATE TABLE statement of t. A single int key
// is an INTEGER PRIMARY KEY, an alias of the rowid, so that SQLite assigns
// it when an insert leaves it out; AUTOINCREMENT, as the snapshot records
// it, makes that key larger than any the table ever held, so that the key
// of a deleted row is never given to another. Other keys are a table
// constraint. Unique groups and plain indexes are separate indexes (see
// createIndex), which can be added and dropped without rebuilding the
// table.
func createTable(t *Table) string {
	rowid := t.rowid()
	var lines []string
	for _, c := range t.Columns {
		switch {
		case rowid && c.Name == t.PrimaryKey[0] && c.Autoincrement:
			lines = append(lines, quoteIdent(c.Name)+" INTEGER PRIMARY KEY AUTOINCREMENT")
		case rowid && c.Name == t.PrimaryKey[0]:
			lines = append(lines, quoteIdent(c.Name)+" INTEGER PRIMARY KEY")
		default:
			lines = append(lines, columnDef(c))
		}
	}
	if !rowid {
		lines = append(lines, "PRIMARY KEY ("+quoteList(t.PrimaryKey)+")")
	}
	for _, fk := range t.ForeignKeys {
		lines = append(lines, "FOREIGN KEY ("+quoteList(fk.Columns)+") "+references(fk))
	}
	return fmt.Sprintf("CREATE TABLE %s (\n  %s\n)", quoteIdent(t.Name), strings.Join(lines, ",\n  "))
}

func columnDef(c *Column) string {
	def := quoteIdent(c.Name) + " " + sqlTypes[c.Type]
	if !c.Nullable {
		def += " NOT NULL"
	}
	return def
}

// references is the REFERENCES clause of a foreign key. Deleting a row
// that others reference is refused, never cascaded, so that no delete
// removes more than it names; a changed key value is carried over to the
// rows that reference it.
func references(fk *ForeignKey) string {
	return fmt.Sprintf("REFERENCES %s (%s) ON DELETE RESTRICT ON UPDATE CASCADE", quoteIdent(fk.Table), quoteList(fk.References))
}

func createIndex(table string, ix index) string {
	create := "CREATE INDEX"
	if ix.unique {
		create = "CREATE UNIQUE INDEX"
	}
	return fmt.Sprintf("%s %s ON %s (%s)", create, quoteIdent(ix.name), quoteIdent(table), quoteList(ix.cols))
}
