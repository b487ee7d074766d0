package pull

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// Systemctl is Units through systemctl, found on PATH.
type Systemctl struct{}

// Restart implements Units with `systemctl try-restart`: restart, for the units that
// run. A container's unit runs while its container exists, so that is every unit
// passed, unless the stack was stopped meanwhile, which a pull must not undo.
func (Systemctl) Restart(ctx context.Context, units []string) error {
	args := append([]string{"try-restart", "--"}, units...)
	out, err := exec.CommandContext(ctx, "systemctl", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("systemctl %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}
