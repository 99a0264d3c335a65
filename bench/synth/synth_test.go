package synth

import "testing"

// The synthetic schema must be valid and as large as DESIGN §5 says: 10
// fields and one API method per model, besides the CRUD endpoints.
func TestSchema(t *testing.T) {
	const n = 20
	s := Analyze(t, n)
	if len(s.Models) != n {
		t.Fatalf("%d models, want %d", len(s.Models), n)
	}
	for _, m := range s.Models {
		fields := len(m.PrimaryKey) + len(m.Columns)
		if fields != 10 && !(m.Name == name(0) && fields == 9) {
			t.Errorf("%s has %d fields, want 10", m.Name, fields)
		}
		var user, crud int
		for _, a := range m.APIs {
			if a.Name[0] == '$' {
				crud++
			} else {
				user++
			}
		}
		if user != 1 || crud != 3 {
			t.Errorf("%s has %d API methods and %d CRUD endpoints, want 1 and 3", m.Name, user, crud)
		}
	}
}
