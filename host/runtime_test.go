package main

import (
	"os/user"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lookupUser reads the account a rootless composition's podman runs as from the
// system's user database, as podman's own environment needs it.
func TestLookupUser(t *testing.T) {
	want, err := user.Current()
	require.NoError(t, err)
	got, err := lookupUser(want.Username)
	require.NoError(t, err)
	assert.Equal(t, want.Username, got.Name)
	assert.Equal(t, want.Uid, itoa(got.UID))
	assert.Equal(t, want.Gid, itoa(got.GID))
	assert.Equal(t, want.HomeDir, got.Home)

	_, err = lookupUser("khepri-no-such-user")
	assert.EqualError(t, err, "user: unknown user khepri-no-such-user")
}

func itoa(n uint32) string { return strconv.FormatUint(uint64(n), 10) }
