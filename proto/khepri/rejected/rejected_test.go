package rejected

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEveryKeyHasAReason(t *testing.T) {
	keys := Keys(Service)
	assert.NotEmpty(t, keys)
	for _, k := range keys {
		why, ok := Reason(Service, k)
		assert.True(t, ok, k)
		assert.NotEmpty(t, why, "%s has no reason", k)
	}
	_, ok := Reason(Service, "image")
	assert.False(t, ok, "image is not refused")
}
