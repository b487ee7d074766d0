package graph

import "slices"

// Order returns the nodes of an acyclic graph, given as adjacency lists from a node to
// the nodes it depends on, dependencies first and otherwise by name: the order systemd
// starts them in when each is ordered after its dependencies. Edges to nodes that are
// not keys of edges are ignored. Nodes on a cycle (which Cycles reports) come last, by
// name.
func Order(edges map[string][]string) []string {
	waiting := map[string]int{}
	dependents := map[string][]string{}
	for n, deps := range edges {
		waiting[n] += 0
		for _, dep := range slices.Compact(slices.Sorted(slices.Values(deps))) {
			if _, ok := edges[dep]; ok && dep != n {
				waiting[n]++
				dependents[dep] = append(dependents[dep], n)
			}
		}
	}
	var ready, out []string
	for n, w := range waiting {
		if w == 0 {
			ready = append(ready, n)
		}
	}
	for len(ready) > 0 {
		slices.Sort(ready)
		n := ready[0]
		ready = ready[1:]
		out = append(out, n)
		for _, m := range dependents[n] {
			if waiting[m]--; waiting[m] == 0 {
				ready = append(ready, m)
			}
		}
	}
	var rest []string
	for n, w := range waiting {
		if w > 0 {
			rest = append(rest, n)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}
