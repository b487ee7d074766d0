package diag

import (
	"testing"

	"github.com/stretchr/testify/assert"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

func TestPath(t *testing.T) {
	tests := []struct {
		name string
		give Path
		want string
	}{
		{name: "identifiers", give: Path("khepri.compositions").Key("paperless").Field("services").Key("web"), want: "khepri.compositions.paperless.services.web"},
		{name: "quoted key", give: Path("x").Key("my.app"), want: `x."my.app"`},
		{name: "empty key", give: Path("x").Key(""), want: `x.""`},
		{name: "index", give: Path("x").Field("ports").Index(3), want: "x.ports[3]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.give.String())
		})
	}
}

func TestSorted(t *testing.T) {
	var c Collector
	assert.False(t, c.HasErrors())
	c.Warnf("a", "w")
	c.Errorf("p.ports[10]", "x")
	c.Errorf("p.ports[2]", "y")
	c.Errorf("p.ports[2]", "b")
	c.Errorf("p.ports[2]", "b")
	assert.True(t, c.HasErrors())

	d := func(s khepriv1.Severity, p, m string) *khepriv1.Diagnostic {
		return &khepriv1.Diagnostic{Severity: s, Path: p, Message: m}
	}
	e, w := khepriv1.Severity_SEVERITY_ERROR, khepriv1.Severity_SEVERITY_WARNING
	assert.Equal(t, []*khepriv1.Diagnostic{
		d(e, "p.ports[2]", "b"),
		d(e, "p.ports[2]", "y"),
		d(e, "p.ports[10]", "x"),
		d(w, "a", "w"),
	}, c.Sorted())
}

func TestComparePaths(t *testing.T) {
	tests := []struct {
		name string
		give [2]string
		want int
	}{
		{name: "numeric", give: [2]string{"a[2]", "a[10]"}, want: -1},
		{name: "text", give: [2]string{"a.b", "a.c"}, want: -1},
		{name: "prefix", give: [2]string{"a", "a.b"}, want: -1},
		{name: "equal", give: [2]string{"a[1].b", "a[1].b"}, want: 0},
		{name: "leading zeros", give: [2]string{"a01", "a1"}, want: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, comparePaths(tt.give[0], tt.give[1]))
			assert.Equal(t, -tt.want, comparePaths(tt.give[1], tt.give[0]))
		})
	}
}
