package sqlgen_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/cloesce-go/cloesce/internal/golden"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/sqlgen"
)

// schema is the DDL and data the generated queries run against. It
// matches the models of catalog.
const schema = `
PRAGMA foreign_keys = ON;
CREATE TABLE "Boss" (id INTEGER PRIMARY KEY);
CREATE TABLE "Person" (id INTEGER PRIMARY KEY, bossId INTEGER REFERENCES "Boss"(id));
CREATE TABLE "Dog" (id INTEGER PRIMARY KEY, personId INTEGER REFERENCES "Person"(id));
CREATE TABLE "Toy" (name TEXT PRIMARY KEY, dogId INTEGER REFERENCES "Dog"(id));
CREATE TABLE "Cat" (id INTEGER PRIMARY KEY, personId INTEGER REFERENCES "Person"(id));
CREATE TABLE "Tag""s" (id INTEGER PRIMARY KEY, "la""bel" TEXT, personId INTEGER REFERENCES "Person"(id));
CREATE TABLE "Dog_1" (id INTEGER PRIMARY KEY, dogId INTEGER REFERENCES "Dog"(id));
CREATE TABLE "cat_1" (id INTEGER PRIMARY KEY, catId INTEGER REFERENCES "Cat"(id));
CREATE TABLE "Team" (id INTEGER PRIMARY KEY);
CREATE TABLE "Department" (id INTEGER PRIMARY KEY, teamId INTEGER REFERENCES "Team"(id));
CREATE TABLE "Employee" (
	id INTEGER PRIMARY KEY,
	departmentId INTEGER REFERENCES "Department"(id),
	teamId INTEGER REFERENCES "Team"(id)
);
CREATE TABLE "Student" (id INTEGER PRIMARY KEY);
CREATE TABLE "Course" (id INTEGER PRIMARY KEY);
CREATE TABLE "Enrollment" (
	studentId INTEGER NOT NULL REFERENCES "Student"(id),
	courseId INTEGER NOT NULL REFERENCES "Course"(id),
	grade TEXT,
	PRIMARY KEY (studentId, courseId)
);
CREATE TABLE "Note" (
	id INTEGER PRIMARY KEY,
	courseId INTEGER NOT NULL,
	studentId INTEGER NOT NULL,
	FOREIGN KEY (studentId, courseId) REFERENCES "Enrollment"(studentId, courseId)
);
CREATE TABLE "Shelf" (id INTEGER PRIMARY KEY);
CREATE TABLE "Book" (id INTEGER PRIMARY KEY, shelfId INTEGER NOT NULL REFERENCES "Shelf"(id));

INSERT INTO "Boss" VALUES (1), (2), (3);
INSERT INTO "Person" VALUES (10, 1), (11, 1), (20, 2), (30, NULL);
INSERT INTO "Dog" VALUES (101, 10), (100, 10), (110, 11), (120, NULL);
-- Out of key order, so that only an ORDER BY puts them in it.
INSERT INTO "Toy" VALUES ('rope', 100), ('ball', 100), ('bone', 101), ('ring', 100);
INSERT INTO "Cat" VALUES (200, 10), (211, 11), (210, 11);
INSERT INTO "Tag""s" VALUES (1, 'x', 10);
INSERT INTO "Dog_1" VALUES (1, 100), (2, 120), (3, NULL);
INSERT INTO "cat_1" VALUES (1, 210);
INSERT INTO "Team" VALUES (1), (2), (3);
INSERT INTO "Department" VALUES (1, 1), (2, NULL);
INSERT INTO "Employee" VALUES (1, 1, 2), (2, 2, 1), (3, NULL, NULL);
INSERT INTO "Student" VALUES (1), (2), (3);
INSERT INTO "Course" VALUES (1), (2), (3);
INSERT INTO "Enrollment" VALUES (1, 3, NULL), (3, 2, 'A'), (1, 1, 'A'), (2, 1, 'C'), (1, 2, 'B'), (3, 3, 'B');
INSERT INTO "Note" VALUES (1, 2, 1), (2, 1, 2), (3, 2, 1), (4, 1, 1);
INSERT INTO "Shelf" VALUES (1), (2), (3), (4), (5);
INSERT INTO "Book" VALUES
	(1, 1), (6, 1), (11, 1), (2, 2), (7, 2), (12, 2), (3, 3), (8, 3), (13, 3),
	(4, 4), (9, 4), (14, 4), (5, 5), (10, 5), (15, 5);
`

// catalog returns fresh models for the tables of schema, plus Weather, a
// model without a table.
func catalog() map[string]*idl.Model {
	person := model("Person", "id", "bossId",
		one("boss", "Boss", "bossId=id"),
		many("dogs", "Dog", "id=personId"),
		many("cats", "Cat", "id=personId"),
		many(`tag"s`, `Tag"s`, "id=personId"),
		one("weather", "Weather", "id=city"),
		one("ghost", "Ghost", "id=id"),
	)
	person.KV = []*idl.StoreField{{Name: "avatar", Type: idl.Wrap(idl.KVObject, idl.Prim(idl.String)), Binding: "KV", Key: "avatar/{id}"}}
	person.R2 = []*idl.StoreField{{Name: "photo", Type: idl.Prim(idl.R2Object), Binding: "R2", Key: "photo/{id}"}}
	weather := model("Weather", "", "")
	weather.Routes = fields("city")
	ms := map[string]*idl.Model{}
	for _, m := range []*idl.Model{
		model("Boss", "id", "", many("persons", "Person", "id=bossId")),
		person,
		model("Dog", "id", "personId",
			one("owner", "Person", "personId=id"),
			many("toys", "Toy", "id=dogId")),
		model("Toy", "name", "dogId"),
		model("Cat", "id", "personId"),
		model(`Tag"s`, "id", `la"bel,personId`),
		model("Dog_1", "id", "dogId", one("dog", "Dog", "dogId=id")),
		model("cat_1", "id", "catId", one("cat", "Cat", "catId=id")),
		model("Team", "id", ""),
		model("Department", "id", "teamId", one("team", "Team", "teamId=id")),
		model("Employee", "id", "departmentId,teamId",
			one("department", "Department", "departmentId=id"),
			one("team", "Team", "teamId=id")),
		model("Student", "id", "", many("enrollments", "Enrollment", "id=studentId")),
		model("Course", "id", ""),
		model("Enrollment", "studentId,courseId", "grade",
			one("student", "Student", "studentId=id"),
			one("course", "Course", "courseId=id"),
			many("notes", "Note", "studentId=studentId", "courseId=courseId")),
		model("Note", "id", "courseId,studentId",
			one("enrollment", "Enrollment", "studentId=studentId", "courseId=courseId")),
		model("Shelf", "id", "", many("books", "Book", "id=shelfId")),
		model("Book", "id", "shelfId"),
		weather,
	} {
		ms[m.Name] = m
	}
	return ms
}

// model describes a table from comma-separated column names; an empty
// primary key makes a Worker-served model.
func model(name, pk, cols string, navs ...*idl.Navigation) *idl.Model {
	return &idl.Model{Name: name, PrimaryKey: fields(pk), Columns: fields(cols), Navigations: navs}
}

func fields(names string) []*idl.Field {
	var out []*idl.Field
	for n := range strings.SplitSeq(names, ",") {
		if n != "" {
			out = append(out, &idl.Field{Name: n, Type: idl.Prim(idl.Int)})
		}
	}
	return out
}

// one and many describe navigations by "local=remote" column pairs.
func one(name, target string, pairs ...string) *idl.Navigation {
	n := &idl.Navigation{Name: name, Type: idl.Named(idl.Object, target), Model: target}
	for _, p := range pairs {
		local, remote, _ := strings.Cut(p, "=")
		n.Local = append(n.Local, local)
		n.Remote = append(n.Remote, remote)
	}
	return n
}

func many(name, target string, pairs ...string) *idl.Navigation {
	n := one(name, target, pairs...)
	n.Many, n.Type = true, idl.Wrap(idl.Array, n.Type)
	return n
}

// tree reads an include tree in its JSON form.
func tree(t *testing.T, text string) idl.Tree {
	t.Helper()
	var tr idl.Tree
	if err := tr.UnmarshalJSON([]byte(text)); err != nil {
		t.Fatal(err)
	}
	return tr
}

func lookup(ms map[string]*idl.Model) sqlgen.Models {
	return func(name string) *idl.Model { return ms[name] }
}

func open(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1) // every connection to :memory: is a database of its own
	if _, err := db.Exec(schema); err != nil {
		t.Fatal(err)
	}
	return db
}

// run runs q and returns the column names and the rows.
func run(t *testing.T, db *sql.DB, q string, args ...any) ([]string, [][]any) {
	t.Helper()
	rs, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]any
	for rs.Next() {
		row := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return cols, rows
}

// format writes each row as its values separated by "|", NULL for null.
func format(rows [][]any) []string {
	out := make([]string, len(rows))
	for i, row := range rows {
		vals := make([]string, len(row))
		for j, v := range row {
			switch v := v.(type) {
			case nil:
				vals[j] = "NULL"
			case []byte:
				vals[j] = string(v)
			default:
				vals[j] = fmt.Sprint(v)
			}
		}
		out[i] = strings.Join(vals, "|")
	}
	return out
}

// joins returns the LEFT JOIN lines of a query.
func joins(q string) []string {
	var out []string
	for line := range strings.SplitSeq(q, "\n") {
		if strings.HasPrefix(line, "LEFT JOIN") {
			out = append(out, line)
		}
	}
	return out
}

// firstPage is the lastSeen of a k-column key that asks for the first page.
func firstPage(k int) []any { return make([]any, k) }

// TestQueries runs Select, Get and List for many include-tree shapes.
// rows are the flat rows of Select, in any order. read are the rows of
// the read query, one per root in key order, each navigation as the JSON
// SQLite writes: List (first page, large limit) must return them all, and
// Get the one of key.
func TestQueries(t *testing.T) {
	cases := []struct {
		name     string
		root     string
		tree     string
		cols     []string
		joins    []string
		rows     []string
		key      []any
		readCols []string
		read     []string
	}{{
		name:  "one to one",
		root:  "Dog",
		tree:  `{"owner": {}}`,
		cols:  []string{"id", "personId", "owner.id", "owner.bossId"},
		joins: []string{`LEFT JOIN "Person" AS "Person_1"`},
		rows: []string{
			"100|10|10|1",
			"101|10|10|1",
			"110|11|11|1",
			"120|NULL|NULL|NULL",
		},
		key:      []any{110},
		readCols: []string{"id", "personId", "owner"},
		read: []string{
			`100|10|[10,1]`,
			`101|10|[10,1]`,
			`110|11|[11,1]`,
			`120|NULL|NULL`,
		},
	}, {
		name:  "one to many",
		root:  "Person",
		tree:  `{"dogs": {}}`,
		cols:  []string{"id", "bossId", "dogs.id", "dogs.personId"},
		joins: []string{`LEFT JOIN "Dog" AS "Dog_1"`},
		rows: []string{
			"10|1|100|10",
			"10|1|101|10",
			"11|1|110|11",
			"20|2|NULL|NULL",
			"30|NULL|NULL|NULL",
		},
		key:      []any{10},
		readCols: []string{"id", "bossId", "dogs"},
		read: []string{
			`10|1|[[100,10],[101,10]]`,
			`11|1|[[110,11]]`,
			`20|2|NULL`,
			`30|NULL|NULL`,
		},
	}, {
		name:  "children out of key order",
		root:  "Dog",
		tree:  `{"toys": {}}`,
		cols:  []string{"id", "personId", "toys.name", "toys.dogId"},
		joins: []string{`LEFT JOIN "Toy" AS "Toy_1"`},
		rows: []string{
			"100|10|ball|100",
			"100|10|ring|100",
			"100|10|rope|100",
			"101|10|bone|101",
			"110|11|NULL|NULL",
			"120|NULL|NULL|NULL",
		},
		key:      []any{100},
		readCols: []string{"id", "personId", "toys"},
		read: []string{
			`100|10|[["ball",100],["ring",100],["rope",100]]`,
			`101|10|[["bone",101]]`,
			`110|11|NULL`,
			`120|NULL|NULL`,
		},
	}, {
		name: "nested",
		root: "Boss",
		tree: `{"persons": {"dogs": {}, "cats": {}}}`,
		cols: []string{"id", "persons.id", "persons.bossId", "persons.dogs.id",
			"persons.dogs.personId", "persons.cats.id", "persons.cats.personId"},
		joins: []string{`LEFT JOIN "Person" AS "Person_1"`, `LEFT JOIN "Dog" AS "Dog_2"`, `LEFT JOIN "Cat" AS "Cat_3"`},
		rows: []string{
			"1|10|1|100|10|200|10",
			"1|10|1|101|10|200|10",
			"1|11|1|110|11|210|11",
			"1|11|1|110|11|211|11",
			"2|20|2|NULL|NULL|NULL|NULL",
			"3|NULL|NULL|NULL|NULL|NULL|NULL",
		},
		key:      []any{1},
		readCols: []string{"id", "persons"},
		read: []string{
			`1|[[10,1,[[100,10],[101,10]],[[200,10]]],[11,1,[[110,11]],[[210,11],[211,11]]]]`,
			`2|[[20,2,null,null]]`,
			`3|NULL`,
		},
	}, {
		name: "diamond",
		root: "Employee",
		tree: `{"department": {"team": {}}, "team": {}}`,
		cols: []string{"id", "departmentId", "teamId", "department.id",
			"department.teamId", "department.team.id", "team.id"},
		joins: []string{`LEFT JOIN "Department" AS "Department_1"`, `LEFT JOIN "Team" AS "Team_2"`, `LEFT JOIN "Team" AS "Team_3"`},
		rows: []string{
			"1|1|2|1|1|1|2",
			"2|2|1|2|NULL|NULL|1",
			"3|NULL|NULL|NULL|NULL|NULL|NULL",
		},
		key:      []any{2},
		readCols: []string{"id", "departmentId", "teamId", "department", "team"},
		read: []string{
			`1|1|2|[1,1,[1]]|[2]`,
			`2|2|1|[2,null,null]|[1]`,
			`3|NULL|NULL|NULL|NULL`,
		},
	}, {
		name: "composite primary key",
		root: "Enrollment",
		tree: `{"notes": {}, "course": {}}`,
		cols: []string{"studentId", "courseId", "grade", "notes.id",
			"notes.courseId", "notes.studentId", "course.id"},
		joins: []string{`LEFT JOIN "Note" AS "Note_1"`, `LEFT JOIN "Course" AS "Course_2"`},
		rows: []string{
			"1|1|A|4|1|1|1",
			"1|2|B|1|2|1|2",
			"1|2|B|3|2|1|2",
			"1|3|NULL|NULL|NULL|NULL|3",
			"2|1|C|2|1|2|1",
			"3|2|A|NULL|NULL|NULL|2",
			"3|3|B|NULL|NULL|NULL|3",
		},
		key:      []any{1, 2},
		readCols: []string{"studentId", "courseId", "grade", "notes", "course"},
		read: []string{
			`1|1|A|[[4,1,1]]|[1]`,
			`1|2|B|[[1,2,1],[3,2,1]]|[2]`,
			`1|3|NULL|NULL|[3]`,
			`2|1|C|[[2,1,2]]|[1]`,
			`3|2|A|NULL|[2]`,
			`3|3|B|NULL|[3]`,
		},
	}, {
		name: "composite foreign key",
		root: "Note",
		tree: `{"enrollment": {"student": {}}}`,
		cols: []string{"id", "courseId", "studentId", "enrollment.studentId",
			"enrollment.courseId", "enrollment.grade", "enrollment.student.id"},
		joins: []string{`LEFT JOIN "Enrollment" AS "Enrollment_1"`, `LEFT JOIN "Student" AS "Student_2"`},
		rows: []string{
			"1|2|1|1|2|B|1",
			"2|1|2|2|1|C|2",
			"3|2|1|1|2|B|1",
			"4|1|1|1|1|A|1",
		},
		key:      []any{2},
		readCols: []string{"id", "courseId", "studentId", "enrollment"},
		read: []string{
			`1|2|1|[1,2,"B",[1]]`,
			`2|1|2|[2,1,"C",[2]]`,
			`3|2|1|[1,2,"B",[1]]`,
			`4|1|1|[1,1,"A",[1]]`,
		},
	}, {
		name: "composite child keys",
		root: "Student",
		tree: `{"enrollments": {"notes": {}}}`,
		cols: []string{"id", "enrollments.studentId", "enrollments.courseId",
			"enrollments.grade", "enrollments.notes.id", "enrollments.notes.courseId", "enrollments.notes.studentId"},
		joins: []string{`LEFT JOIN "Enrollment" AS "Enrollment_1"`, `LEFT JOIN "Note" AS "Note_2"`},
		rows: []string{
			"1|1|1|A|4|1|1",
			"1|1|2|B|1|2|1",
			"1|1|2|B|3|2|1",
			"1|1|3|NULL|NULL|NULL|NULL",
			"2|2|1|C|2|1|2",
			"3|3|2|A|NULL|NULL|NULL",
			"3|3|3|B|NULL|NULL|NULL",
		},
		key:      []any{1},
		readCols: []string{"id", "enrollments"},
		read: []string{
			`1|[[1,1,"A",[[4,1,1]]],[1,2,"B",[[1,2,1],[3,2,1]]],[1,3,null,null]]`,
			`2|[[2,1,"C",[[2,1,2]]]]`,
			`3|[[3,2,"A",null],[3,3,"B",null]]`,
		},
	}, {
		name:  "alias would be the root",
		root:  "Dog_1",
		tree:  `{"dog": {"owner": {}}}`,
		cols:  []string{"id", "dogId", "dog.id", "dog.personId", "dog.owner.id", "dog.owner.bossId"},
		joins: []string{`LEFT JOIN "Dog" AS "Dog_2"`, `LEFT JOIN "Person" AS "Person_3"`},
		rows: []string{
			"1|100|100|10|10|1",
			"2|120|120|NULL|NULL|NULL",
			"3|NULL|NULL|NULL|NULL|NULL",
		},
		key:      []any{1},
		readCols: []string{"id", "dogId", "dog"},
		read: []string{
			`1|100|[100,10,[10,1]]`,
			`2|120|[120,null,null]`,
			`3|NULL|NULL`,
		},
	}, {
		name:     "alias would be the root but for case",
		root:     "cat_1",
		tree:     `{"cat": {}}`,
		cols:     []string{"id", "catId", "cat.id", "cat.personId"},
		joins:    []string{`LEFT JOIN "Cat" AS "Cat_2"`},
		rows:     []string{"1|210|210|11"},
		key:      []any{1},
		readCols: []string{"id", "catId", "cat"},
		read: []string{
			`1|210|[210,11]`,
		},
	}, {
		name:  "store fields, worker navigations and unknown names",
		root:  "Person",
		tree:  `{"avatar": {"dogs": {}}, "photo": {}, "weather": {"dogs": {}}, "ghost": {}, "nope": {"dogs": {}}, "cats": {}}`,
		cols:  []string{"id", "bossId", "cats.id", "cats.personId"},
		joins: []string{`LEFT JOIN "Cat" AS "Cat_1"`},
		rows: []string{
			"10|1|200|10",
			"11|1|210|11",
			"11|1|211|11",
			"20|2|NULL|NULL",
			"30|NULL|NULL|NULL",
		},
		key:      []any{11},
		readCols: []string{"id", "bossId", "cats"},
		read: []string{
			`10|1|[[200,10]]`,
			`11|1|[[210,11],[211,11]]`,
			`20|2|NULL`,
			`30|NULL|NULL`,
		},
	}, {
		name:  "quoted identifiers",
		root:  "Person",
		tree:  `{"tag\"s": {}}`,
		cols:  []string{"id", "bossId", `tag"s.id`, `tag"s.la"bel`, `tag"s.personId`},
		joins: []string{`LEFT JOIN "Tag""s" AS "Tag""s_1"`},
		rows: []string{
			"10|1|1|x|10",
			"11|1|NULL|NULL|NULL",
			"20|2|NULL|NULL|NULL",
			"30|NULL|NULL|NULL|NULL",
		},
		key:      []any{10},
		readCols: []string{"id", "bossId", `tag"s`},
		read: []string{
			`10|1|[[1,"x",10]]`,
			`11|1|NULL`,
			`20|2|NULL`,
			`30|NULL|NULL`,
		},
	}, {
		name:     "empty tree",
		root:     "Boss",
		tree:     `{}`,
		cols:     []string{"id"},
		rows:     []string{"1", "2", "3"},
		key:      []any{3},
		readCols: []string{"id"},
		read: []string{
			`1`,
			`2`,
			`3`,
		},
	}}
	db := open(t)
	ms := catalog()
	models := lookup(ms)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, tr := ms[c.root], tree(t, c.tree)
			check := func(kind, q string, args []any, cols, want []string, sorted bool) {
				t.Helper()
				got, rows := run(t, db, q, args...)
				if !slices.Equal(got, cols) {
					t.Errorf("%s columns = %q, want %q", kind, got, cols)
				}
				lines := format(rows)
				if sorted {
					slices.Sort(lines)
					want = slices.Sorted(slices.Values(want))
				}
				if !slices.Equal(lines, want) {
					t.Errorf("%s rows =\n\t%s\nwant\n\t%s\nquery:\n%s", kind,
						strings.Join(lines, "\n\t"), strings.Join(want, "\n\t"), q)
				}
			}

			sel := sqlgen.Select(models, m, tr)
			if got := joins(sel); !slices.Equal(got, c.joins) {
				t.Errorf("joins = %q, want %q", got, c.joins)
			}
			check("Select", sel, nil, c.cols, c.rows, true)
			check("List", sqlgen.List(models, m, tr), append(firstPage(len(c.key)), 100), c.readCols, c.read, false)

			prefix := format([][]any{c.key})[0] + "|"
			var want []string
			for _, r := range c.read {
				if strings.HasPrefix(r+"|", prefix) {
					want = append(want, r)
				}
			}
			if len(want) != 1 {
				t.Fatalf("%d rows have key %v", len(want), c.key)
			}
			check("Get", sqlgen.Get(models, m, tr), c.key, c.readCols, want, false)
			check("Get of a missing key", sqlgen.Get(models, m, tr), slices.Repeat([]any{-1}, len(c.key)), c.readCols, nil, false)
		})
	}
}

// TestSelectInCTE filters on a joined column by its dotted alias, the way
// the documentation tells users to.
func TestSelectInCTE(t *testing.T) {
	db := open(t)
	ms := catalog()
	sel := sqlgen.Select(lookup(ms), ms["Boss"], tree(t, `{"persons": {"dogs": {}}}`))
	q := "WITH included AS (" + sel + `) SELECT "id", "persons.id" FROM included WHERE "persons.dogs.id" = ?`
	_, rows := run(t, db, q, 110)
	if got, want := format(rows), []string{"1|11"}; !slices.Equal(got, want) {
		t.Errorf("rows = %q, want %q", got, want)
	}
}

// TestListPages checks that the limit counts root objects, each page
// holding all of its roots' children, and that lastSeen moves on.
func TestListPages(t *testing.T) {
	db := open(t)
	ms := catalog()
	q := sqlgen.List(lookup(ms), ms["Shelf"], tree(t, `{"books": {}}`))
	shelf := func(id int) string {
		return fmt.Sprintf("%d|[[%d,%d],[%d,%d],[%d,%d]]", id, id, id, id+5, id, id+10, id)
	}
	for _, c := range []struct {
		lastSeen any
		limit    int
		want     []string
	}{
		{nil, 2, []string{shelf(1), shelf(2)}},
		{2, 2, []string{shelf(3), shelf(4)}},
		{4, 2, []string{shelf(5)}},
		{5, 2, nil},
		{nil, 1, []string{shelf(1)}},
		{1, 3, []string{shelf(2), shelf(3), shelf(4)}},
		{nil, 0, nil},
	} {
		_, rows := run(t, db, q, c.lastSeen, c.limit)
		if got := format(rows); !slices.Equal(got, c.want) {
			t.Errorf("lastSeen %v, limit %d: rows = %q, want %q", c.lastSeen, c.limit, got, c.want)
		}
	}
}

// TestListWalk pages through every root with every limit, passing the
// last row's key as lastSeen, and checks that the pages hold each root
// once, in order, and as many as the limit allows.
func TestListWalk(t *testing.T) {
	cases := []struct {
		root, tree string
		all        []string
	}{{
		root: "Enrollment",
		tree: `{"notes": {}}`,
		all: []string{
			"1|1|A|[[4,1,1]]",
			"1|2|B|[[1,2,1],[3,2,1]]",
			"1|3|NULL|NULL",
			"2|1|C|[[2,1,2]]",
			"3|2|A|NULL",
			"3|3|B|NULL",
		},
	}, {
		root: "Person",
		tree: `{"dogs": {}}`,
		all: []string{
			"10|1|[[100,10],[101,10]]",
			"11|1|[[110,11]]",
			"20|2|NULL",
			"30|NULL|NULL",
		},
	}, {
		root: "Toy",
		tree: `{}`,
		all:  []string{"ball|100", "bone|101", "ring|100", "rope|100"},
	}}
	db := open(t)
	ms := catalog()
	for _, c := range cases {
		m := ms[c.root]
		k := len(m.PrimaryKey)
		q := sqlgen.List(lookup(ms), m, tree(t, c.tree))
		for limit := 1; limit <= 7; limit++ {
			var got []string
			lastSeen := firstPage(k)
			for page := 0; ; page++ {
				if page > 10 {
					t.Fatalf("%s, limit %d: too many pages", c.root, limit)
				}
				_, rows := run(t, db, q, append(lastSeen, limit)...)
				if len(rows) == 0 {
					break
				}
				if len(rows) > limit {
					t.Errorf("%s, limit %d: page %d has %d roots", c.root, limit, page, len(rows))
				}
				if len(rows) < limit && len(got)+len(rows) < len(c.all) {
					t.Errorf("%s, limit %d: page %d has %d roots, but more follow", c.root, limit, page, len(rows))
				}
				got = append(got, format(rows)...)
				lastSeen = rows[len(rows)-1][:k]
			}
			if !slices.Equal(got, c.all) {
				t.Errorf("%s, limit %d: pages hold\n\t%s\nwant\n\t%s", c.root, limit, strings.Join(got, "\n\t"), strings.Join(c.all, "\n\t"))
			}
		}
	}
}

// bossSelect is the example of the documentation.
const bossSelect = `SELECT
    "Boss"."id" AS "id",
    "Person_1"."id" AS "persons.id",
    "Person_1"."bossId" AS "persons.bossId",
    "Dog_2"."id" AS "persons.dogs.id",
    "Dog_2"."personId" AS "persons.dogs.personId",
    "Cat_3"."id" AS "persons.cats.id",
    "Cat_3"."personId" AS "persons.cats.personId"
FROM "Boss"
LEFT JOIN "Person" AS "Person_1"
    ON "Boss"."id" = "Person_1"."bossId"
LEFT JOIN "Dog" AS "Dog_2"
    ON "Person_1"."id" = "Dog_2"."personId"
LEFT JOIN "Cat" AS "Cat_3"
    ON "Person_1"."id" = "Cat_3"."personId"`

// TestGolden compares the text of the queries with testdata.
func TestGolden(t *testing.T) {
	ms := catalog()
	models := lookup(ms)
	if got := sqlgen.Select(models, ms["Boss"], tree(t, `{"persons": {"dogs": {}, "cats": {}}}`)); got != bossSelect {
		t.Errorf("Boss select =\n%s\nwant the documentation's\n%s", got, bossSelect)
	}
	for _, c := range []struct{ name, root, tree string }{
		{"boss", "Boss", `{"persons": {"dogs": {}, "cats": {}}}`},
		{"composite", "Enrollment", `{"notes": {}, "student": {}}`},
	} {
		m, tr := ms[c.root], tree(t, c.tree)
		got := fmt.Sprintf("-- Select\n%s;\n\n-- Get\n%s;\n\n-- List\n%s;\n",
			sqlgen.Select(models, m, tr), sqlgen.Get(models, m, tr), sqlgen.List(models, m, tr))
		golden.File(t, filepath.Join("testdata", c.name+".sql"), []byte(got))
	}
}

// TestFill checks that Fill resolves models through the schema and sets
// the queries of table models' sources only.
func TestFill(t *testing.T) {
	ms := catalog()
	person, weather := ms["Person"], ms["Weather"]
	person.Sources = []*idl.Source{
		{Name: "Default", Tree: tree(t, `{}`)},
		{Name: "WithPets", Tree: tree(t, `{"dogs": {"owner": {}}, "cats": {}, "weather": {}}`)},
	}
	weather.Sources = []*idl.Source{{Name: "Default", Tree: tree(t, `{}`)}}
	s := &idl.Schema{}
	for _, name := range []string{"Boss", "Person", "Dog", "Cat", "Weather"} {
		s.Models = append(s.Models, ms[name])
	}
	sqlgen.Fill(s)

	models := lookup(ms)
	for _, src := range person.Sources {
		if got, want := src.Query, sqlgen.Read(models, person, src.Tree); got != want {
			t.Errorf("Person.%s query =\n%s\nwant\n%s", src.Name, got, want)
		}
	}
	if n := strings.Count(person.Source("WithPets").Query, "LEFT JOIN "); n != 3 {
		t.Errorf("Person.WithPets joins %d tables, want 3", n)
	}
	if src := weather.Sources[0]; src.Query != "" {
		t.Errorf("Weather.Default has a query: %q", src.Query)
	}
}

// TestSamples writes testdata/samples.json: the flat SELECT and the get
// and list queries of every data source of the golden interface
// descriptions (internal/sema/testdata/cidl), for the runtime's tests to
// check that runtime/src/select.ts writes the same bytes. It reads the
// sema goldens: when a change rewrites both, UPDATE_GOLDEN=1 go test
// ./internal/sema before ./internal/sqlgen.
func TestSamples(t *testing.T) {
	type queries struct {
		Select string `json:"select"`
		Get    string `json:"get"`
		List   string `json:"list"`
	}
	out := map[string]map[string]queries{}
	for _, name := range []string{"comprehensive", "reddit", "weather"} {
		data, err := os.ReadFile(filepath.Join("..", "sema", "testdata", "cidl", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := idl.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]*idl.Model{}
		for _, m := range s.Models {
			byName[m.Name] = m
		}
		models := lookup(byName)
		out[name] = map[string]queries{}
		for _, m := range s.Models {
			if !m.HasSQL() {
				continue
			}
			for _, src := range m.Sources {
				if got, want := src.Query, sqlgen.Read(models, m, src.Tree); got != want {
					t.Errorf("%s: %s.%s: the golden's query is not Read's:\n%s\nwant\n%s", name, m.Name, src.Name, got, want)
				}
				out[name][m.Name+"."+src.Name] = queries{
					Select: sqlgen.Select(models, m, src.Tree),
					Get:    sqlgen.GetQuery(m, src.Query),
					List:   sqlgen.ListQuery(m, src.Query),
				}
			}
		}
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.File(t, filepath.Join("testdata", "samples.json"), append(data, '\n'))
}

// TestListSeeks checks that a list page reads its roots through the
// primary key's index, from the last key seen, rather than scanning the
// table from its first row (D1 bills the rows a query reads).
func TestListSeeks(t *testing.T) {
	db := open(t)
	ms := catalog()
	for _, c := range []struct{ root, tree string }{
		{"Shelf", `{"books": {}}`},
		{"Enrollment", `{"notes": {}}`},
		{"Toy", `{}`},
	} {
		m := ms[c.root]
		q := sqlgen.List(lookup(ms), m, tree(t, c.tree))
		_, rows := run(t, db, "EXPLAIN QUERY PLAN "+q, append(firstPage(len(m.PrimaryKey)), 10)...)
		var plan []string
		for _, r := range rows {
			plan = append(plan, fmt.Sprint(r[3]))
		}
		for _, line := range plan {
			if strings.HasPrefix(line, "SCAN "+c.root) {
				t.Errorf("%s: the list scans its table:\n%s", c.root, strings.Join(plan, "\n"))
			}
		}
	}
}
