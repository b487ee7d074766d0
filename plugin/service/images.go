package service

import (
	"github.com/khepri-nix/khepri/plugin/imagepin"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// pinImage makes the container run its image as the image lock says (plugin/imagepin),
// fetched as the service, its composition or the host sets image_fetch. It returns the
// archive Nix fetches, if any.
func (r *run) pinImage() *khepriv1.ImageFetch {
	fetch := r.c.ImageFetch
	if f := r.svc.GetImageFetch(); f != "" {
		if err := imagepin.ValidFetch(f); err != nil {
			r.d.Errorf(r.path.Field("imageFetch"), "%v", err)
			return nil
		}
		fetch = f
	}
	pinned, err := r.c.Images.Pin(r.ctr.Image, fetch)
	if err != nil {
		r.d.Errorf(r.path.Field("image"), "%v", err)
		return nil
	}
	r.ctr.Image = pinned.Image
	return pinned.Fetch
}

// neverPull keeps a container whose image is loaded from the store from pulling: the
// archive's name exists in no registry, and a pull could only fetch another image.
func (r *run) neverPull() {
	switch {
	case r.ctr.Pull == nil:
		never := "never"
		r.ctr.Pull = &never
	case *r.ctr.Pull == "always" || *r.ctr.Pull == "newer":
		r.d.Errorf(r.path.Field("pullPolicy"), "pull policy %q pulls the image, which image fetch \"nix\" loads from the Nix store instead: drop pullPolicy, or set imageFetch = \"registry\"", *r.ctr.Pull)
	}
}
