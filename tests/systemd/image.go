//go:build systemd

package systemd

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// The machine image: Debian's systemd and podman from Debian's packages, nothing pulled.
// Debian 13 has systemd 257, as NixOS 25.05 does; Debian 12's 252 lacks what khepri's
// units use (RestartSteps and RestartMaxDelaySec are 254's) and loses podman's
// readiness notification when `podman run -d` exits before systemd reads it ("Cannot
// find unit for notify message"; 257 pins the sender by pidfd, systemd/systemd#33791).
// The host's docker command, built for Debian 12's glibc, runs on Debian 13's.
const (
	suite    = "trixie"
	packages = "systemd,systemd-sysv,dbus,podman,netavark,aardvark-dns,nftables,uidmap,passt,dbus-user-session"
)

// podmanConfig is the machine's podman configuration, what a NixOS host's
// virtualisation.containers settings would hold: the vfs storage driver, since overlay
// cannot be mounted on the engine's own storage from an unprivileged container. And
// /dev/net/tun is for everyone, as NixOS's udev rules make it, for rootless podman's
// network (pasta).
const podmanConfig = `set -e
mkdir -p /etc/containers
cat > /etc/containers/storage.conf <<EOF
[storage]
driver = "vfs"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"
EOF
echo "z /dev/net/tun 0666 - - -" > /usr/lib/tmpfiles.d/khepri-tun.conf
`

// nixPath lays out, for each package NixOS puts on every unit's PATH and for podman, a
// prefix holding only that package's programs (/nix-path/<nixpkgs name>/bin and sbin,
// links to the Debian package's files), so that a unit finds what it would on NixOS.
// nixpkgs wraps podman with its helpers (nft, ip, …) on its PATH; so does this.
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

// mirrors are the Debian archives of this machine's apt sources (their release suites',
// not the security archive's), as mmdebstrap lines for the machine's suite: the image
// comes from the mirror the host's apt uses.
func mirrors() ([]string, error) {
	files, err := aptSources()
	if err != nil {
		return nil, err
	}
	var lines []string
	add := func(uri string, suites []string) {
		line := "deb " + uri + " " + suite + " main"
		if slices.ContainsFunc(suites, func(s string) bool { return !strings.Contains(s, "-") }) && !slices.Contains(lines, line) {
			lines = append(lines, line)
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if strings.HasSuffix(f, ".sources") {
			// deb822: stanzas of Types, URIs and Suites fields.
			for _, stanza := range strings.Split(string(b), "\n\n") {
				fields := map[string][]string{}
				for _, l := range strings.Split(stanza, "\n") {
					if k, v, ok := strings.Cut(l, ":"); ok && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, " ") {
						fields[k] = strings.Fields(v)
					}
				}
				if slices.Contains(fields["Types"], "deb") {
					for _, uri := range fields["URIs"] {
						add(uri, fields["Suites"])
					}
				}
			}
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			f := strings.Fields(l)
			if len(f) > 0 && f[0] == "deb" {
				if len(f) > 1 && strings.HasPrefix(f[1], "[") {
					for len(f) > 1 && !strings.HasSuffix(f[1], "]") {
						f = slices.Delete(f, 1, 2)
					}
					f = slices.Delete(f, 1, min(2, len(f)))
				}
				if len(f) > 2 {
					add(f[1], f[2:3])
				}
			}
		}
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("no Debian archive in the apt sources %v to build the machine image from", files)
	}
	return lines, nil
}

// aptSources are this machine's apt source files.
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
// command, mirrors included), so an unchanged image is built once per engine.
func machineImage(logf func(string, ...any)) (string, error) {
	if _, err := exec.LookPath("mmdebstrap"); err != nil {
		return "", fmt.Errorf("mmdebstrap is not installed (apt-get install -y mmdebstrap)")
	}
	sources, err := mirrors()
	if err != nil {
		return "", err
	}
	args := []string{"--variant=minbase", "--include=" + packages}
	for _, script := range []string{nixPath, podmanConfig} {
		args = append(args, "--customize-hook=chroot \"$1\" /bin/sh -c '"+script+"'")
	}
	args = append(args, suite)
	h := sha256.New()
	fmt.Fprintf(h, "%q\n%q\n", args, sources)
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
