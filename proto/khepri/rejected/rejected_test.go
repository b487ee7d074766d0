package rejected

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEveryKeyHasAReason(t *testing.T) {
	sections := []Section{Composition, Service, Build, Reservations, ServiceNetwork, Secret, Config}
	assert.ElementsMatch(t, sections, slices.Collect(maps.Keys(reasons)), "rejected.json's sections are the constants")
	for _, s := range sections {
		keys := Keys(s)
		assert.NotEmpty(t, keys, s)
		for _, k := range keys {
			why, ok := Reason(s, k)
			assert.True(t, ok, k)
			assert.NotEmpty(t, why, "%s.%s has no reason", s, k)
		}
	}
	_, ok := Reason(Service, "image")
	assert.False(t, ok, "image is not refused")
}
