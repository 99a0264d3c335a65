package sema

import (
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
)

// order sorts the models so that each follows every model its required
// foreign keys reference (Kahn's algorithm, ties broken by name), and
// reports a cycle of required foreign keys, which no insertion order
// could satisfy.
func (c *checker) order() []*modelInfo {
	names := c.modelNames()
	indegree := map[string]int{}
	out := map[string][]edge{}
	for _, e := range c.edges {
		indegree[e.to]++
		out[e.from] = append(out[e.from], e)
	}
	var queue []string
	for _, n := range names {
		if indegree[n] == 0 {
			queue = append(queue, n)
		}
	}
	var sorted []*modelInfo
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		sorted = append(sorted, c.infos[n])
		for _, e := range out[n] {
			if indegree[e.to]--; indegree[e.to] == 0 {
				queue = append(queue, e.to)
			}
		}
	}
	if len(sorted) < len(names) {
		c.cycle(indegree, out)
	}
	return sorted
}

// cycle reports one cycle among the models left unsorted: walking
// required foreign keys from any of them must come back round.
func (c *checker) cycle(indegree map[string]int, out map[string][]edge) {
	var start string
	for _, n := range c.modelNames() {
		if indegree[n] > 0 {
			start = n
			break
		}
	}
	// Follow unsorted edges backwards from start until a model repeats.
	in := map[string]edge{}
	for _, es := range out {
		for _, e := range es {
			if indegree[e.from] > 0 && indegree[e.to] > 0 {
				if prev, ok := in[e.to]; !ok || e.from < prev.from {
					in[e.to] = e
				}
			}
		}
	}
	seen := map[string]int{}
	var path []edge
	for n := start; ; n = in[n].from {
		if i, ok := seen[n]; ok {
			path = path[i:]
			break
		}
		seen[n] = len(path)
		path = append(path, in[n])
	}
	// path now runs from referenced to referencing; read it as "references".
	names := []string{path[0].to}
	for _, e := range path {
		names = append(names, e.from)
	}
	d := c.diags.Errorf(diag.CyclicForeignKeys, path[0].fk.Refs[0].Span(), "required foreign keys form a cycle: %s", strings.Join(names, " references ")).
		Labelled("'%s' references '%s'", path[0].to, path[0].from)
	for _, e := range path[1:] {
		d.Also(e.fk.Refs[0].Span(), "'%s' references '%s'", e.to, e.from)
	}
	d.Helpf("no row could ever be inserted first: mark one of these foreign keys `optional`")
}
