package pull

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// State is what the command remembers between runs, in its --state file: when each
// service's image was last pulled, so that a timer firing more often than a service's
// interval pulls it only once that has passed.
type State struct {
	// Services by name.
	Services map[string]Pulled `json:"services"`
}

// Pulled is a service's last pull that left its containers on the image pulled.
type Pulled struct {
	// Image is the reference pulled; a service given another image is due at once.
	Image string `json:"image"`
	// At is when it was pulled, in UTC.
	At time.Time `json:"pulledAt"`
}

// ReadState reads a state file; a missing file is a state where nothing was pulled.
func ReadState(path string) (State, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return State{Services: map[string]Pulled{}}, nil
	}
	if err != nil {
		return State{}, fmt.Errorf("read the pull state: %w", err)
	}
	var s State
	if err := json.Unmarshal(data, &s); err != nil {
		return State{}, fmt.Errorf("read the pull state %s: %w (remove it to pull every image at the next run)", path, err)
	}
	if s.Services == nil {
		s.Services = map[string]Pulled{}
	}
	return s, nil
}

// Marshal renders the state as indented JSON, services sorted by name.
func (s State) Marshal() ([]byte, error) {
	if s.Services == nil {
		s.Services = map[string]Pulled{}
	}
	data, err := json.MarshalIndent(s, "", "  ")
	return append(data, '\n'), err
}
