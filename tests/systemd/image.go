//go:build systemd

package systemd

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The machine image: Debian's systemd and podman from Debian's packages, nothing pulled.
const (
	suite    = "bookworm"
	packages = "systemd,systemd-sysv,dbus,podman,netavark,aardvark-dns,iptables"
)

// podmanConfig is the machine's podman configuration, what a NixOS host's
// virtualisation.containers settings would hold: the vfs storage driver, since overlay
// cannot be mounted on the engine's own storage from an unprivileged container, and no
// default sysctls, since /proc/sys is read-only there.
const podmanConfig = `set -e
mkdir -p /etc/containers
cat > /etc/containers/storage.conf <<EOF
[storage]
driver = "vfs"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"
EOF
cat > /etc/containers/containers.conf <<EOF
[containers]
default_sysctls = []

[network]
network_backend = "netavark"
EOF
`

// nixPath lays out, for each package NixOS puts on every unit's PATH and for podman, a
// prefix holding only that package's programs (/nix-path/<nixpkgs name>/bin and sbin,
// links to the Debian package's files), so that a unit finds what it would on NixOS.
// nixpkgs wraps podman with its helpers (iptables, ip, …) on its PATH; so does this.
const nixPath = `set -e
for spec in coreutils:coreutils findutils:findutils gnugrep:grep gnused:sed systemd:systemd podman:podman; do
  nix=${spec%%:*}
  deb=${spec#*:}
  mkdir -p /nix-path/$nix/bin /nix-path/$nix/sbin
  for f in $(dpkg -L $deb); do
    case $f in
      /bin/*|/usr/bin/*) dir=bin ;;
      /sbin/*|/usr/sbin/*) dir=sbin ;;
      *) continue ;;
    esac
    if [ -f "$f" ] && [ -x "$f" ]; then ln -sf "$f" /nix-path/$nix/$dir/; fi
  done
done
rm /nix-path/podman/bin/podman
cat > /nix-path/podman/bin/podman <<EOF
#!/bin/sh
PATH=/usr/sbin:/usr/bin:/sbin:/bin:\$PATH exec /usr/bin/podman "\$@"
EOF
chmod 755 /nix-path/podman/bin/podman
`

// podmanDir stands for the podman package.
const podmanDir = "/nix-path/podman"

// basePath are the prefixes standing for coreutils, findutils, gnugrep, gnused and
// systemd, in NixOS's order.
var basePath = []string{"/nix-path/coreutils", "/nix-path/findutils", "/nix-path/gnugrep", "/nix-path/gnused", "/nix-path/systemd"}

// aptSources are this machine's apt sources, which the image is built from: the same
// mirror the host's apt uses.
func aptSources() ([]string, error) {
	var files []string
	if _, err := os.Stat("/etc/apt/sources.list"); err == nil {
		files = append(files, "/etc/apt/sources.list")
	}
	more, err := filepath.Glob("/etc/apt/sources.list.d/*")
	if err != nil {
		return nil, err
	}
	for _, f := range more {
		if strings.HasSuffix(f, ".list") || strings.HasSuffix(f, ".sources") {
			files = append(files, f)
		}
	}
	return files, nil
}

// machineImage returns the tag of the machine image, building it when the engine has
// none of that tag. The tag is a hash of what the image is built from (the mmdebstrap
// command and the apt sources), so an unchanged image is built once per engine.
func machineImage(logf func(string, ...any)) (string, error) {
	if _, err := exec.LookPath("mmdebstrap"); err != nil {
		return "", fmt.Errorf("mmdebstrap is not installed (apt-get install -y mmdebstrap)")
	}
	sources, err := aptSources()
	if err != nil {
		return "", err
	}
	if len(sources) == 0 {
		return "", fmt.Errorf("no apt sources in /etc/apt to build the machine image from")
	}
	args := []string{"--variant=minbase", "--include=" + packages}
	for _, script := range []string{nixPath, podmanConfig} {
		args = append(args, "--customize-hook=chroot \"$1\" /bin/sh -c '"+script+"'")
	}
	args = append(args, suite)
	h := sha256.New()
	fmt.Fprintf(h, "%q\n", args)
	for _, f := range sources {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\n%s\n", f, b)
	}
	tag := "khepri-test/systemd:" + hex.EncodeToString(h.Sum(nil))[:16]
	if exec.Command("docker", "image", "inspect", tag).Run() == nil {
		return tag, nil
	}
	dir, err := os.MkdirTemp("", "khepri-systemd-image-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	rootfs := filepath.Join(dir, "rootfs.tar")
	args = append(append(args, rootfs), sources...)
	logf("building %s: mmdebstrap %s", tag, strings.Join(args, " "))
	if out, err := exec.Command("mmdebstrap", args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("mmdebstrap: %v: %s", err, tail(string(out), 20))
	}
	if out, err := exec.Command("docker", "import", rootfs, tag).CombinedOutput(); err != nil {
		return "", fmt.Errorf("docker import: %v: %s", err, out)
	}
	return tag, nil
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
