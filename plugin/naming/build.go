package naming

import "strings"

// BuildUnit is khepri's unit building a service's image, without suffix.
func BuildUnit(composition, service string) string {
	return "khepri-" + composition + "-build-" + service
}

// BuildRepository is the repository of a service's built image when `image` does not
// name it: `khepri/<composition>-<service>`, in the lowercase image names require.
func BuildRepository(composition, service string) string {
	return "khepri/" + strings.ToLower(composition+"-"+service)
}

// BuildLabel is the label khepri puts on the images it builds, valued
// `<composition>/<service>`: the build unit finds its service's earlier images by it.
const BuildLabel = "khepri.build"
