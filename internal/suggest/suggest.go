// Package suggest finds the intended word behind a misspelling, for the
// "did you mean" help of diagnostics.
package suggest

// Closest returns the candidate nearest to word by edit distance, if one is
// close enough to be a plausible typo: at most one edit for short words, two
// for longer ones. Failing that, a candidate that word starts with is taken,
// since a word with extra letters at the end is a common slip. Ties go to
// the earlier candidate, so results are stable.
func Closest(word string, candidates []string) (string, bool) {
	limit := 1
	if len(word) > 4 {
		limit = 2
	}
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if c == word {
			continue
		}
		if len(c) >= 3 && len(word) > len(c) && word[:len(c)] == c && best == "" {
			best = c // "minlenght" means "minlen" more likely than anything
		}
		if d := distance(word, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best, best != ""
}

// distance is the Levenshtein distance between a and b, in bytes; schema
// names are ASCII.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
