package sema

import (
	"testing"

	"github.com/cloesce-go/cloesce/internal/idl"
)

// TestKeysOverlap checks when two key formats of one binding conflict:
// when listing one's prefix (its key up to the first placeholder, or all
// of it) could return a key of the other, in either direction.
func TestKeysOverlap(t *testing.T) {
	tmpl := func(name, key string) *idl.Template {
		return &idl.Template{Name: name, Key: key, Prefix: keyPrefix(key)}
	}
	tests := []struct {
		a, b   string
		lister string // "a", "b", or "" when they do not conflict
	}{
		{"foo", "foo", "a"},
		{"foo/{id}", "foo/{name}", "a"},
		{"{id}", "{other}", "a"},
		{"users/{a}-{b}", "users/{c}", "a"},
		// The documentation's example: listing "profile/" returns favNum keys.
		{"profile/{userId}", "profile/{userId}/favNum", "a"},
		// Equal prefixes list each other's keys; the first is named.
		{"profile/{userId}/favNum", "profile/{userId}", "a"},
		// A key without parameters lists itself as a prefix.
		{"settings", "settings/theme", "a"},
		{"foo", "foo/{id}", "a"},
		{"foo/{id}", "foo/bar", "a"},
		{"foo/bar", "foo/{id}", "b"},
		// "users/admin" is no key of users/{id: int}, but listing "users/"
		// returns it; and the same for an int key it could produce.
		{"users/admin", "users/{id}", "b"},
		{"users/42", "users/{id}", "b"},
		{"avatars/{id}.png", "avatars/{id}.jpg", "a"},
		{"{id}", "anything", "a"},
		{"foo/a", "foo/b", ""},
		{"a/{x}", "b/{x}", ""},
		{"img/{id}", "imgs/{id}", ""},
		{"path/to/settings", "sessions/{token}", ""},
		{"settings", "user/{userId}", ""},
	}
	for _, tt := range tests {
		a, b := tmpl("a", tt.a), tmpl("b", tt.b)
		i, lister := overlapping([]*idl.Template{a}, b)
		got := ""
		if i == 0 {
			got = lister.Name
		}
		if got != tt.lister {
			t.Errorf("%q then %q: lister = %q, want %q", tt.a, tt.b, got, tt.lister)
		}
	}
}

// TestOwnPrefix checks the key formats suggested when two overlap.
func TestOwnPrefix(t *testing.T) {
	tests := []struct {
		name, key string
		rename    bool
		want      string
	}{
		{"profile", "profile/{userId}", false, "profile/{userId}"},
		{"favoriteNumber", "profile/{userId}/favNum", true, "favoriteNumber/{userId}"},
		{"any", "{id}", false, "any/{id}"},
		{"defaults", "settings", true, "defaults"},
		{"pair", "{a}-{b}.png", true, "pair/{a}/{b}"},
	}
	for _, tt := range tests {
		tm := &idl.Template{Name: tt.name, Key: tt.key, Prefix: keyPrefix(tt.key)}
		if got := ownPrefix(tm, tt.rename); got != tt.want {
			t.Errorf("ownPrefix(%q, %v) = %q, want %q", tt.key, tt.rename, got, tt.want)
		}
	}
}
