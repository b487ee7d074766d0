package rejected

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEveryKeyHasAReason(t *testing.T) {
	for _, s := range []Section{Composition, Service, Build, ServiceNetwork} {
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
