package suggest

import "testing"

func TestClosest(t *testing.T) {
	words := []string{"minlen", "maxlen", "len", "regex", "gt", "gte", "src_paths"}
	tests := []struct {
		word, want string
		ok         bool
	}{
		{"minlne", "minlen", true},
		{"rgex", "regex", true},
		{"gtt", "gt", true},
		{"srcpaths", "src_paths", true},
		{"len", "", false}, // exact words are not typos
		{"banana", "", false},
		{"x", "", false},
	}
	for _, tt := range tests {
		got, ok := Closest(tt.word, words)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Closest(%q) = %q, %v; want %q, %v", tt.word, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"flaw", "lawn", 2},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
