package client

import (
	"slices"
	"testing"
)

// TestScope checks parameter renaming: reserved words, names the body
// uses, class names and repeated names get "_" until they are free.
func TestScope(t *testing.T) {
	s := newScope(avoided([]string{"User"}))
	var got []string
	for _, name := range []string{"id", "default", "url", "url_", "fetchImpl", "send", "User", "id", "await", "value"} {
		got = append(got, s.fresh(name))
	}
	want := []string{"id", "default_", "url_", "url__", "fetchImpl_", "send_", "User_", "id_", "await_", "value"}
	if !slices.Equal(got, want) {
		t.Errorf("names = %v, want %v", got, want)
	}
}
