package imagepin

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/khepri-nix/khepri/plugin/verbatim"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

var (
	index   = "sha256:" + strings.Repeat("1", 64)
	amd64   = "sha256:" + strings.Repeat("a", 64)
	arm64   = "sha256:" + strings.Repeat("b", 64)
	archive = "sha256-" + strings.Repeat("A", 43) + "="
)

func testLock() *khepriv1.ImageLock {
	return &khepriv1.ImageLock{Format: LockFormat, Images: map[string]*khepriv1.LockedImage{
		"postgres:15": {Digest: index, Platforms: map[string]*khepriv1.LockedPlatform{
			"linux/amd64": {Digest: amd64, Archive: archive},
			"linux/arm64": {Digest: arm64},
		}},
		"ghcr.io/acme/app@" + amd64: {Digest: amd64, Platforms: map[string]*khepriv1.LockedPlatform{
			"linux/amd64": {Digest: amd64, Archive: archive},
		}},
		"bad:1": {Digest: "sha256:$(reboot)"},
	}}
}

func TestPin(t *testing.T) {
	tests := []struct {
		name    string
		policy  Policy
		noLock  bool
		image   string
		fetch   string
		want    Pinned
		wantErr string
	}{
		{
			name:  "a locked reference runs by the locked digest, its tag kept",
			image: "postgres:15",
			want:  Pinned{Image: "postgres:15@" + index},
		},
		{
			name:  "registry is the same as unset",
			image: "postgres:15",
			fetch: Registry,
			want:  Pinned{Image: "postgres:15@" + index},
		},
		{
			name:  "another spelling of a locked image is another reference",
			image: "docker.io/library/postgres:15",
			want:  Pinned{Image: "docker.io/library/postgres:15"},
		},
		{
			name:  "an unlocked reference stays without requireLockedImages",
			image: "redis:7",
			want:  Pinned{Image: "redis:7"},
		},
		{
			name:   "without a lock nothing changes",
			noLock: true,
			image:  "postgres:15",
			want:   Pinned{Image: "postgres:15"},
		},
		{
			name:    "an unlocked reference is an error with requireLockedImages",
			policy:  Policy{Require: true},
			image:   "redis:7",
			wantErr: `image "redis:7" is not in the image lock (khepri.imageLock), and khepri.requireLockedImages is set: lock it with ` + "`khepri lock`" + `, or give it a digest (redis:7@sha256:…)`,
		},
		{
			name:   "a reference with a digest is pinned already",
			policy: Policy{Require: true},
			image:  "redis:7@" + amd64,
			want:   Pinned{Image: "redis:7@" + amd64},
		},
		{
			name:  "a locked reference with a digest stays as written",
			image: "ghcr.io/acme/app@" + amd64,
			want:  Pinned{Image: "ghcr.io/acme/app@" + amd64},
		},
		{
			name:    "a digest that is not one is refused, never run",
			image:   "bad:1",
			wantErr: `the image lock (khepri.imageLock) gives "bad:1" the invalid digest "sha256:$(reboot)"; a digest is sha256: and 64 lowercase hex digits: run ` + "`khepri lock --update bad:1`",
		},
		{
			name:   "nix runs the platform's archive under a name carrying its digest",
			policy: Policy{Platform: "linux/amd64"},
			image:  "postgres:15",
			fetch:  Nix,
			want: Pinned{Image: "docker.io/library/postgres:15-aaaaaaaaaaaa", Fetch: &khepriv1.ImageFetch{
				Reference: "docker.io/library/postgres@" + amd64,
				Name:      "docker.io/library/postgres:15-aaaaaaaaaaaa",
				Hash:      archive,
				StoreName: "docker-image-postgres-15-aaaaaaaaaaaa.tar",
			}},
		},
		{
			name:   "nix with a digest reference",
			policy: Policy{Platform: "linux/amd64"},
			image:  "ghcr.io/acme/app@" + amd64,
			fetch:  Nix,
			want: Pinned{Image: "ghcr.io/acme/app:aaaaaaaaaaaa", Fetch: &khepriv1.ImageFetch{
				Reference: "ghcr.io/acme/app@" + amd64,
				Name:      "ghcr.io/acme/app:aaaaaaaaaaaa",
				Hash:      archive,
				StoreName: "docker-image-app-aaaaaaaaaaaa.tar",
			}},
		},
		{
			name:    "nix needs the archive of the host's platform",
			policy:  Policy{Platform: "linux/arm64"},
			image:   "postgres:15",
			fetch:   Nix,
			wantErr: `image fetch "nix" loads the image from the Nix store, and the image lock (khepri.imageLock) has no archive of "postgres:15" for linux/arm64: run ` + "`khepri lock --archive linux/arm64`" + ` with postgres:15 among its images`,
		},
		{
			name:    "nix needs a locked image",
			policy:  Policy{Platform: "linux/amd64"},
			image:   "redis:7",
			fetch:   Nix,
			wantErr: `image fetch "nix" loads a locked image from the Nix store, and "redis:7" is not in the image lock (khepri.imageLock): lock it with ` + "`khepri lock --archive linux/amd64`",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.policy
			if !tt.noLock {
				p.Lock = testLock()
			}
			got, err := p.Pin(tt.image, tt.fetch)
			if tt.wantErr != "" {
				require.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want.Image, got.Image)
			assert.Equal(t, tt.want.Fetch.String(), got.Fetch.String())
			// The image lands unquoted in the unit's script.
			assert.NoError(t, verbatim.Image(got.Image))
		})
	}
}

func TestArchiveOf(t *testing.T) {
	long := strings.Repeat("t", 128)
	tests := []struct {
		name, image string
		want        Archive
	}{
		{"a bare name is latest", "alpine", Archive{
			Reference: "docker.io/library/alpine@" + amd64,
			Name:      "docker.io/library/alpine:latest-aaaaaaaaaaaa",
			StoreName: "docker-image-alpine-latest-aaaaaaaaaaaa.tar",
		}},
		{"a registry with a port", "127.0.0.1:5000/team/app:v1.2_x", Archive{
			Reference: "127.0.0.1:5000/team/app@" + amd64,
			Name:      "127.0.0.1:5000/team/app:v1.2_x-aaaaaaaaaaaa",
			StoreName: "docker-image-app-v1.2_x-aaaaaaaaaaaa.tar",
		}},
		{"a tag as long as docker allows is cut to fit the digest", "app:" + long, Archive{
			Reference: "docker.io/library/app@" + amd64,
			Name:      "docker.io/library/app:" + long[:115] + "-aaaaaaaaaaaa",
			StoreName: "docker-image-app-" + long[:115] + "-aaaaaaaaaaaa.tar",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ArchiveOf(tt.image, amd64)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.NoError(t, verbatim.Image(got.Name))
		})
	}
	_, err := ArchiveOf("app:1", "sha256:short")
	assert.EqualError(t, err, `invalid digest "sha256:short" for "app:1"; a digest is sha256: and 64 lowercase hex digits`)
}
