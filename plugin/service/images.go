package service

import (
	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/imagepin"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// pinImage makes the container run its image as the image lock says (plugin/imagepin),
// fetched as the service, its composition or the host sets image_fetch. It returns the
// archive Nix fetches, if any.
func pinImage(c *Composition, ctr *khepriv1.Container, svc *khepriv1.Service, path diag.Path, d *diag.Collector) *khepriv1.ImageFetch {
	fetch := c.ImageFetch
	if f := svc.GetImageFetch(); f != "" {
		if err := imagepin.ValidFetch(f); err != nil {
			d.Errorf(path.Field("imageFetch"), "%v", err)
			return nil
		}
		fetch = f
	}
	pinned, err := c.Images.Pin(ctr.Image, fetch)
	if err != nil {
		d.Errorf(path.Field("image"), "%v", err)
		return nil
	}
	ctr.Image = pinned.Image
	return pinned.Fetch
}

// neverPull keeps a container whose image is loaded from the store from pulling: the
// archive's name exists in no registry, and a pull could only fetch another image.
func neverPull(ctr *khepriv1.Container, path diag.Path, d *diag.Collector) {
	switch {
	case ctr.Pull == nil:
		never := "never"
		ctr.Pull = &never
	case *ctr.Pull == "always" || *ctr.Pull == "newer":
		d.Errorf(path.Field("pullPolicy"), "pull policy %q pulls the image, which image fetch \"nix\" loads from the Nix store instead: drop pullPolicy, or set imageFetch = \"registry\"", *ctr.Pull)
	}
}
