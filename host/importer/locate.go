package importer

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/khepri-nix/khepri/host/internal/readlimit"
)

// locate finds the file and line that set a compose path, searching the files from
// the last (whose settings win in a merge) to the first. A path that no file spells
// out (one that came through extends under another service's name) is reported at
// the first file without a line.
func (p *project) locate(path string) (string, int) {
	segments := splitPath(path)
	for i := len(p.files) - 1; i >= 0; i-- {
		if line := findLine(p.files[i], segments); line > 0 {
			return p.display(p.files[i]), line
		}
	}
	if len(p.files) > 0 {
		return p.display(p.files[0]), 0
	}
	return "", 0
}

// display names a file relative to the project directory when it lies inside it.
func (p *project) display(file string) string {
	if rel, err := filepath.Rel(p.dir, file); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return file
}

var pathSegment = regexp.MustCompile(`\[(\d+)\]`)

// splitPath splits `services.web.ports[0].mode` into services, web, ports, [0], mode.
// Keys holding dots (labels) make the split ambiguous; the search then stops at the
// deepest segment found, which still names the service and key.
func splitPath(path string) []string {
	var out []string
	for _, part := range strings.Split(path, ".") {
		out = append(out, strings.Split(pathSegment.ReplaceAllString(part, ".[$1]"), ".")...)
	}
	return out
}

// findLine returns the line of the deepest node of segments in file, if the file holds
// at least the service or top-level key; 0 otherwise.
func findLine(file string, segments []string) int {
	// An included file was read by compose-go unchecked; a FIFO is not read twice.
	if readlimit.Check("compose file", file, MaxComposeFileSize) != nil {
		return 0
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return 0
	}
	node := doc.Content[0]
	line, depth := 0, 0
	for _, seg := range segments {
		next, keyLine := child(node, seg)
		if next == nil {
			break
		}
		node, line, depth = next, keyLine, depth+1
	}
	// A top-level section alone (`services`) is in every file: it does not say which
	// file set the key.
	if depth < 2 && len(segments) >= 2 {
		return 0
	}
	return line
}

// child steps into a mapping by key or a sequence by [index], following aliases.
func child(node *yaml.Node, seg string) (*yaml.Node, int) {
	for node.Kind == yaml.AliasNode && node.Alias != nil {
		node = node.Alias
	}
	if strings.HasPrefix(seg, "[") {
		i, err := strconv.Atoi(strings.Trim(seg, "[]"))
		if err != nil || node.Kind != yaml.SequenceNode || i >= len(node.Content) {
			return nil, 0
		}
		return node.Content[i], node.Content[i].Line
	}
	if node.Kind != yaml.MappingNode {
		return nil, 0
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		if node.Content[i].Value == seg {
			return node.Content[i+1], node.Content[i].Line
		}
	}
	return nil, 0
}
