package idl

import "testing"

// TestHeaders checks the header a [header] parameter is read from, and
// which methods' requests may come without a body.
func TestHeaders(t *testing.T) {
	if got := (&Param{Field: Field{Name: "X_Tenant_Id"}}).HeaderName(); got != "X-Tenant-Id" {
		t.Errorf("HeaderName of X_Tenant_Id = %q, want X-Tenant-Id", got)
	}
	param := func(name string, t *Type, header bool) *Param {
		return &Param{Field: Field{Name: name, Type: t}, Header: header}
	}
	required, optional := Prim(String), Wrap(Option, Prim(String))
	for _, tt := range []struct {
		name   string
		params []*Param
		want   bool
	}{
		{"no parameters", nil, false},
		{"a required header", []*Param{param("X_Token", required, true)}, true},
		{"with an optional one", []*Param{param("X_Token", required, true), param("X_Page", optional, true)}, true},
		{"optional headers only", []*Param{param("X_Token", optional, true)}, false},
		{"a safelisted header, in any case", []*Param{param("accept_LANGUAGE", required, true)}, false},
		{"a body parameter too", []*Param{param("X_Token", required, true), param("note", required, false)}, false},
	} {
		if got := (&Method{Params: tt.params}).Bodyless(); got != tt.want {
			t.Errorf("%s: Bodyless = %v, want %v", tt.name, got, tt.want)
		}
	}
}
