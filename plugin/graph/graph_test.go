package graph

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCycles(t *testing.T) {
	tests := []struct {
		name string
		give map[string][]string
		want [][]string
	}{
		{name: "empty", give: nil},
		{name: "chain", give: map[string][]string{"a": {"b"}, "b": {"c"}, "c": nil}},
		{name: "diamond", give: map[string][]string{"a": {"b", "c"}, "b": {"d"}, "c": {"d"}}},
		{name: "two-cycle", give: map[string][]string{"b": {"a"}, "a": {"b"}}, want: [][]string{{"a", "b", "a"}}},
		{name: "rotated to smallest", give: map[string][]string{"z": {"x"}, "x": {"y"}, "y": {"z"}}, want: [][]string{{"x", "y", "z", "x"}}},
		{name: "self loop", give: map[string][]string{"a": {"a"}}, want: [][]string{{"a", "a"}}},
		{name: "two cycles", give: map[string][]string{"a": {"b"}, "b": {"a", "c"}, "c": {"d"}, "d": {"c"}}, want: [][]string{{"a", "b", "a"}, {"c", "d", "c"}}},
		{name: "edge to unknown node", give: map[string][]string{"a": {"ghost"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Cycles(tt.give))
		})
	}
}

func TestCyclesDeep(t *testing.T) {
	// No recursion: a long chain closed into one cycle is walked iteratively.
	g := map[string][]string{}
	const n = 50000
	for i := range n {
		g[fmt.Sprintf("s%05d", i)] = []string{fmt.Sprintf("s%05d", (i+1)%n)}
	}
	cycles := Cycles(g)
	assert.Len(t, cycles, 1)
	assert.Len(t, cycles[0], n+1)
	assert.Equal(t, "s00000", cycles[0][0])
}

func TestOrder(t *testing.T) {
	tests := []struct {
		name string
		give map[string][]string
		want []string
	}{
		{name: "empty", give: nil, want: nil},
		{name: "by name", give: map[string][]string{"c": nil, "a": nil, "b": nil}, want: []string{"a", "b", "c"}},
		{name: "chain", give: map[string][]string{"a": {"b"}, "b": {"c"}, "c": nil}, want: []string{"c", "b", "a"}},
		{name: "dependency before a smaller name", give: map[string][]string{"a": {"z"}, "b": nil, "z": nil}, want: []string{"b", "z", "a"}},
		{name: "diamond", give: map[string][]string{"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": nil}, want: []string{"d", "b", "c", "a"}},
		{name: "repeated edge and unknown node", give: map[string][]string{"a": {"b", "b", "ghost"}, "b": nil}, want: []string{"b", "a"}},
		{name: "cycle last", give: map[string][]string{"a": {"b"}, "b": {"a"}, "c": nil}, want: []string{"c", "a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Order(tt.give))
		})
	}
}
