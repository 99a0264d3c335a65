package sema

import (
	"fmt"
	"slices"
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

// cascadeCycles reports each cycle of [cascade] navigations. A delete
// follows [cascade] a fixed number of steps (the runtime plans it from
// the description), so it could never go round a cycle.
func (c *checker) cascadeCycles() {
	cycles(c.modelNames(), c.cascades, c.cascadeCycle)
}

// An arc is an edge of a graph of named nodes.
type arc interface{ ends() (from, to string) }

// cycles calls report with each cycle of arcs that a depth-first walk
// from every node, in the order of nodes, finds, its arcs in walking
// order (one arc from a node back to itself is a cycle too).
func cycles[A arc](nodes []string, arcs []A, report func([]A)) {
	out := map[string][]A{}
	for _, a := range arcs {
		from, _ := a.ends()
		out[from] = append(out[from], a)
	}
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	var path []A // the arcs walked to reach the current node
	var visit func(n string)
	visit = func(n string) {
		state[n] = onPath
		for _, a := range out[n] {
			_, to := a.ends()
			switch state[to] {
			case onPath:
				i := slices.IndexFunc(path, func(p A) bool { from, _ := p.ends(); return from == to })
				if i < 0 {
					i = len(path) // a leads from n back to n
				}
				report(append(slices.Clone(path[i:]), a))
			case unseen:
				path = append(path, a)
				visit(to)
				path = path[:len(path)-1]
			}
		}
		state[n] = done
	}
	for _, n := range nodes {
		if state[n] == unseen {
			visit(n)
		}
	}
}

// cascadeCycle reports one cycle of [cascade] navigations, at the tag of
// each.
func (c *checker) cascadeCycle(cycle []cascadeEdge) {
	first := cycle[0]
	label := func(e cascadeEdge) string {
		return fmt.Sprintf("'%s' cascades to '%s' through '%s'", e.from, e.to, e.nav)
	}
	if len(cycle) == 1 {
		c.diags.Errorf(diag.CascadeCycle, first.tag.Span(), "[cascade] navigation '%s' cascades from '%s' back to '%s'", first.nav, first.from, first.to).
			Labelled("%s", label(first)).
			Helpf("remove [cascade]: a delete cascades a fixed number of steps, so it cannot follow '%s' to any depth; delete the objects '%s' reaches first", first.nav, first.nav)
		return
	}
	names := []string{"'" + first.from + "' cascades to '" + first.to + "'"}
	for _, e := range cycle[1:] {
		names = append(names, "which cascades to '"+e.to+"'")
	}
	d := c.diags.Errorf(diag.CascadeCycle, first.tag.Span(), "[cascade] navigations form a cycle: %s", strings.Join(names, ", ")).
		Labelled("%s", label(first))
	for _, e := range cycle[1:] {
		d.Also(e.tag.Span(), "%s", label(e))
	}
	d.Helpf("remove [cascade] from one of these navigations: a delete cascades a fixed number of steps, so it cannot go round a cycle; delete the objects that navigation reaches first")
}
