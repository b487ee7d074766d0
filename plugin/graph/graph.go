// Package graph finds cycles in a composition's depends_on graph, which systemd could
// not order, and the order in which systemd starts its services.
package graph

import (
	"maps"
	"slices"
	"strings"
)

// Cycles returns the cycles of a directed graph given as adjacency lists, each as the
// list of its nodes with the first repeated at the end (a -> b -> a). Every cycle is
// rotated to start at its smallest node, and the result is sorted, so the output does
// not depend on map order. It finds at least one cycle whenever there is one (one per
// back edge of a depth-first search), without recursion.
func Cycles(edges map[string][]string) [][]string {
	nodes := slices.Sorted(maps.Keys(edges))

	const (
		unvisited = iota
		onStack
		done
	)
	state := map[string]int{}
	seen := map[string]bool{}
	var cycles [][]string

	type frame struct {
		node string
		next []string
	}
	for _, root := range nodes {
		if state[root] != unvisited {
			continue
		}
		stack := []frame{{root, slices.Sorted(slices.Values(edges[root]))}}
		state[root] = onStack
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if len(top.next) == 0 {
				state[top.node] = done
				stack = stack[:len(stack)-1]
				continue
			}
			n := top.next[0]
			top.next = top.next[1:]
			switch state[n] {
			case unvisited:
				state[n] = onStack
				stack = append(stack, frame{n, slices.Sorted(slices.Values(edges[n]))})
			case onStack:
				var cyc []string
				for i := len(stack) - 1; i >= 0; i-- {
					cyc = append(cyc, stack[i].node)
					if stack[i].node == n {
						break
					}
				}
				slices.Reverse(cyc)
				cyc = rotate(cyc)
				if key := strings.Join(cyc, "\x00"); !seen[key] {
					seen[key] = true
					cycles = append(cycles, append(cyc, cyc[0]))
				}
			}
		}
	}
	slices.SortFunc(cycles, func(a, b []string) int { return slices.Compare(a, b) })
	return cycles
}

// rotate starts a cycle at its smallest node.
func rotate(cyc []string) []string {
	i := slices.Index(cyc, slices.Min(cyc))
	return append(slices.Clone(cyc[i:]), cyc[:i]...)
}
