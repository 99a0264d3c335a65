package wrangler

import (
	"path"
	"path/filepath"
	"strings"
	"unicode"
)

// DefaultName is the worker name used when the project directory's name
// has no usable character.
const DefaultName = "cloesce-app"

// WorkerName turns a project directory name into a worker name wrangler
// accepts: lower-case letters, digits, '-' and '_', not starting with '-',
// at most 63 characters (the longest DNS label, as workers.dev needs).
func WorkerName(dir string) string {
	n := slug(dir, "_")
	if len(n) > 63 {
		n = strings.TrimRight(n[:63], "-")
	}
	if n == "" {
		return DefaultName
	}
	return n
}

// BucketName derives an R2 bucket name from a binding name: "ProfilePics"
// gives "profile-pics". R2 wants 3 to 63 lower-case letters, digits and
// hyphens, starting and ending with a letter or digit.
func BucketName(binding string) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range binding {
		if unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)) {
			b.WriteByte('-')
		}
		b.WriteRune(r)
		prev = r
	}
	n := slug(b.String(), "")
	if len(n) > 63 {
		n = strings.TrimRight(n[:63], "-")
	}
	switch {
	case n == "":
		return "bucket"
	case len(n) < 3:
		return n + "-bucket"
	}
	return n
}

// slug lower-cases s and replaces each run of characters outside
// [a-z0-9] and keep with one '-', trimming hyphens at either end.
func slug(s, keep string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune(keep, r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}

// placeholderID is the database or namespace id written for a new
// binding. Local development keys its storage by it; deploying needs the
// real id (see docs/wrangler.md).
func placeholderID(binding string) string { return "local-" + binding }

// migrationsDir is the configured migrations path as wrangler wants it in
// migrations_dir: slash-separated, without "./" or a trailing slash.
func migrationsDir(p string) string {
	if p == "" {
		return "migrations"
	}
	return path.Clean(filepath.ToSlash(p))
}
