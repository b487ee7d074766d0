package parse

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		give    string
		want    time.Duration
		wantErr string
	}{
		{give: "10s", want: 10 * time.Second},
		{give: "1m30s", want: 90 * time.Second},
		{give: "1h", want: time.Hour},
		{give: "500ms", want: 500 * time.Millisecond},
		{give: "0s", want: 0},
		{give: "", wantErr: "empty duration"},
		{give: "10", wantErr: "has no unit"},
		{give: "-5s", wantErr: "negative duration"},
		{give: "soon", wantErr: "invalid duration"},
		{give: "1d", wantErr: "invalid duration"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := ParseDuration(tt.give)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDurationRendering(t *testing.T) {
	assert.Equal(t, int64(1), Seconds(500*time.Millisecond))
	assert.Equal(t, int64(90), Seconds(90*time.Second))
	assert.Equal(t, "90s", SystemdSpan(90*time.Second))
	assert.Equal(t, "1500ms", SystemdSpan(1500*time.Millisecond))
	assert.Equal(t, "2ms", SystemdSpan(1500*time.Microsecond))
	assert.Equal(t, "1m30s", FlagDuration(90*time.Second))
}

func TestParseBytes(t *testing.T) {
	tests := []struct {
		give    string
		want    int64
		wantErr bool
	}{
		{give: "2048", want: 2048},
		{give: "512m", want: 512 << 20},
		{give: "1gb", want: 1 << 30},
		{give: "1024k", want: 1 << 20},
		{give: "1.5G", want: 3 << 29},
		{give: "64 MB", want: 64 << 20},
		{give: "10b", want: 10},
		{give: "", wantErr: true},
		{give: "m", wantErr: true},
		{give: "1q", wantErr: true},
		{give: "-1", wantErr: true},
		{give: "1..2m", wantErr: true},
		{give: "99999999999t", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := ParseBytes(tt.give)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestValueForms(t *testing.T) {
	n, set, err := Bytes(structpb.NewNumberValue(-1), true)
	require.NoError(t, err)
	assert.True(t, set)
	assert.Equal(t, int64(-1), n)
	_, _, err = Bytes(structpb.NewNumberValue(-1), false)
	require.Error(t, err)
	_, set, err = Bytes(structpb.NewNullValue(), false)
	require.NoError(t, err)
	assert.False(t, set)

	cpus, _, err := CPUs(structpb.NewNumberValue(1.5))
	require.NoError(t, err)
	assert.Equal(t, "1.5", cpus)
	cpus, _, err = CPUs(structpb.NewStringValue("0.500000"))
	require.NoError(t, err)
	assert.Equal(t, "0.5", cpus)
	_, _, err = CPUs(structpb.NewStringValue("0"))
	require.Error(t, err)
	_, _, err = CPUs(structpb.NewBoolValue(true))
	require.ErrorContains(t, err, "not a boolean")

	us, _, err := Micros(structpb.NewStringValue("950ms"))
	require.NoError(t, err)
	assert.Equal(t, int64(950000), us)
	us, _, err = Micros(structpb.NewNumberValue(1000))
	require.NoError(t, err)
	assert.Equal(t, int64(1000), us)

	list, err := structpb.NewValue([]any{"a.b=1", "c=x=y"})
	require.NoError(t, err)
	m, err := Mapping(list)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"a.b": "1", "c": "x=y"}, m)
	obj, err := structpb.NewValue(map[string]any{"n": 2, "b": true, "s": "v"})
	require.NoError(t, err)
	m, err = Mapping(obj)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"n": "2", "b": "true", "s": "v"}, m)
	bad, err := structpb.NewValue([]any{"novalue"})
	require.NoError(t, err)
	_, err = Mapping(bad)
	require.ErrorContains(t, err, "not key=value")
}
