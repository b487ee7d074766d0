package nixwriter

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuote(t *testing.T) {
	tests := []struct {
		name string
		give string
		want string
	}{
		{"plain", "redis:7", `"redis:7"`},
		{"empty", "", `""`},
		{"quote and backslash", `a"b\c`, `"a\"b\\c"`},
		{"interpolation", "${HOME}", `"\${HOME}"`},
		{"lone dollar", "$HOME $", `"$HOME $"`},
		{"double dollar before brace", "$${x}", `"$\${x}"`},
		{"line breaks and tabs", "a\nb\r\tc", `"a\nb\r\tc"`},
		{"non-ASCII stays UTF-8", "päperless ☃", `"päperless ☃"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Quote(tt.give)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := Quote("a\x00b")
	assert.ErrorIs(t, err, ErrNUL)
}

func TestName(t *testing.T) {
	tests := []struct{ give, want string }{
		{"web", "web"},
		{"proxy_net", "proxy_net"},
		{"x-y'", "x-y'"},
		{"traefik.enable", `"traefik.enable"`},
		{"1st", `"1st"`},
		{"in", `"in"`},
		{"", `""`},
		{"${x}", `"\${x}"`},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := Name(tt.give)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFormat(t *testing.T) {
	got, err := Format(Attrs{
		{Name: "networks", Value: Attrs{{Name: "proxy", Value: Attrs{{Name: "external", Value: Bool(true)}}}}},
		{Name: "volumes", Value: List{String("pgdata")}},
		{Name: "empty", Value: List{}},
		{Name: "emptySet", Value: Attrs{}},
		{Name: "ports", Value: List{String("80:80"), String("443:443")}},
		{Name: "file", Value: List{Expr("toString ./app.env")}},
		{Name: "workers", Value: Int(2)},
		{Name: "swap", Value: List{Int(-1), Int(2)}},
		{Name: "gpus", Value: List{Attrs{{Name: "count", Value: String("all")}}}},
		{Name: "pools", Value: List{
			Attrs{{Name: "subnet", Value: String("10.0.0.0/24")}},
			Attrs{{Name: "a", Value: Attrs{{Name: "b", Value: Int(1)}}}},
		}},
		{Comments: []string{"build: not supported", "two\nlines"}},
		{Name: "services", Value: Attrs{
			{Name: "db", Value: Attrs{{Name: "image", Value: String("postgres")}}},
			{Name: "web", Value: Attrs{
				{Name: "image", Value: String("nginx")},
				{Name: "labels", Value: Attrs{{Name: "a.b", Value: String("c")}}, Comments: []string{"kept"}},
			}},
		}},
	})
	require.NoError(t, err)
	want := `{
  networks.proxy.external = true;
  volumes = [ "pgdata" ];
  empty = [ ];
  emptySet = { };
  ports = [
    "80:80"
    "443:443"
  ];
  file = [ (toString ./app.env) ];
  workers = 2;
  swap = [
    (-1)
    2
  ];
  gpus = [ { count = "all"; } ];
  pools = [
    { subnet = "10.0.0.0/24"; }
    { a.b = 1; }
  ];
  # build: not supported
  # two lines
  services = {
    db.image = "postgres";
    web = {
      image = "nginx";
      # kept
      labels."a.b" = "c";
    };
  };
}
`
	assert.Equal(t, want, string(got))
}

// nixEval evaluates expr with nix-instantiate and returns the JSON it prints.
func nixEval(t *testing.T, expr string) (string, error) {
	t.Helper()
	out, err := exec.Command("nix-instantiate", "--eval", "--strict", "--json", "-E", expr).Output()
	return string(out), err
}

// TestQuoteNixRoundTrip checks the escaping against Nix itself: every string written
// and read back by nix-instantiate is the string it was.
func TestQuoteNixRoundTrip(t *testing.T) {
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		t.Skip("nix-instantiate is not installed: the escaping is checked against Nix only where Nix is")
	}
	samples := []string{
		"", "plain", `"`, `\`, `\\"`, "${", "$${", "$$${x}", "${x}", "$", "$\"", "\\${x}",
		"'' ''${ ''\\", "a\nb", "\r\n\t", "tab\there", "päperless ☃ 日本", "\x01\x7f",
		"end with backslash\\", "end with dollar$", "#comment", "a;b", "/*x*/",
	}
	var exprs []string
	for _, s := range samples {
		q, err := Quote(s)
		require.NoError(t, err)
		exprs = append(exprs, q)
		n, err := Name(s)
		require.NoError(t, err)
		exprs = append(exprs, "(builtins.head (builtins.attrNames { "+n+" = 1; }))")
	}
	out, err := nixEval(t, "[ "+strings.Join(exprs, " ")+" ]")
	require.NoError(t, err)
	var got []string
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	var want []string
	for _, s := range samples {
		want = append(want, s, s)
	}
	assert.Equal(t, want, got)
}

// FuzzQuote checks that Quote never panics and that its output is one balanced string
// literal: every quote inside is escaped, and an unescaped "${" never occurs. When Nix is
// installed, the seed corpus is also read back through nix-instantiate by
// TestQuoteNixRoundTrip; fuzzing itself stays in Go to stay fast.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", `"`, `\`, "${", "$${", "'' ''${", "a\nb", "ä"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Quote(s)
		if strings.IndexByte(s, 0) >= 0 {
			if err == nil {
				t.Fatalf("Quote(%q) accepted a NUL byte", s)
			}
			return
		}
		if err != nil {
			t.Fatalf("Quote(%q): %v", s, err)
		}
		if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
			t.Fatalf("Quote(%q) = %s: not one string literal", s, q)
		}
		if strings.ContainsAny(q, "\n\r\t") {
			t.Fatalf("Quote(%q) = %s: a raw line break or tab", s, q)
		}
		if utf8.ValidString(s) != utf8.ValidString(q) {
			t.Fatalf("Quote(%q) changed the UTF-8 validity", s)
		}
		if back := unquote(t, q); back != s {
			t.Fatalf("Quote(%q) = %s reads back as %q", s, q, back)
		}
	})
}

// unquote reads a "..." literal as Nix's lexer does, failing on an unescaped '"' inside or
// an unescaped "${".
func unquote(t *testing.T, q string) string {
	body := q[1 : len(q)-1]
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch c {
		case '"':
			t.Fatalf("%s: unescaped quote at %d", q, i)
		case '\\':
			i++
			if i == len(body) {
				t.Fatalf("%s: escape at the end swallows the closing quote", q)
			}
			switch body[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(body[i])
			}
		case '$':
			if i+1 < len(body) && body[i+1] == '{' {
				t.Fatalf("%s: unescaped interpolation at %d", q, i)
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
