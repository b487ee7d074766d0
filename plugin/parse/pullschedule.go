package parse

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/xhit/go-str2duration/v2"
)

// everyRe is the compose schema's every_<duration> (schema/compose-spec.json): whole
// numbers of weeks, days, hours, minutes and seconds.
var everyRe = regexp.MustCompile(`^every_([0-9]+[wdhms])+$`)

// The options a scheduled pull is read from, named in PullSchedule's errors.
const (
	PullPolicyField   = "pullPolicy"
	RefreshAfterField = "pullRefreshAfter"
)

// Scheduled tells whether a pull policy re-pulls on a schedule.
func Scheduled(policy string) bool {
	return policy == "daily" || policy == "weekly" || policy == "refresh" || strings.HasPrefix(policy, "every_")
}

// PullSchedule reads compose's scheduled pull policies as compose-go's
// ServiceConfig.GetPullPolicy does: daily is every 24h, weekly every 168h,
// every_<duration> that duration (str2duration's syntax: 12h, 1w2d), and refresh the
// duration of pull_refresh_after. It returns 0 for a policy that is not scheduled
// (always, missing, ...). An error comes with the option it is about.
//
// Where compose leaves the meaning open, it is an error: refresh without
// pull_refresh_after (compose-go gives it no interval), and pull_refresh_after with any
// other policy (compose reads it for refresh only).
func PullSchedule(policy, refreshAfter string) (time.Duration, string, error) {
	if refreshAfter != "" && policy != "refresh" {
		set := "not set"
		if policy != "" {
			set = fmt.Sprintf("%q", policy)
		}
		return 0, RefreshAfterField, fmt.Errorf("pullRefreshAfter is the interval of pull policy \"refresh\", and pullPolicy is %s: set pullPolicy = \"refresh\", or drop pullRefreshAfter", set)
	}
	switch {
	case policy == "daily":
		return 24 * time.Hour, "", nil
	case policy == "weekly":
		return 7 * 24 * time.Hour, "", nil
	case policy == "refresh" && refreshAfter == "":
		return 0, PullPolicyField, fmt.Errorf("pull policy \"refresh\" re-pulls the image once pullRefreshAfter has passed since its last pull, and pullRefreshAfter is not set: set it (such as \"12h\" or \"2d\"), or use \"daily\", \"weekly\" or \"every_<duration>\"")
	case policy == "refresh":
		d, err := str2duration.ParseDuration(refreshAfter)
		if err != nil || d <= 0 {
			return 0, RefreshAfterField, fmt.Errorf("invalid pullRefreshAfter %q: use a positive duration with units w, d, h, m or s, such as 12h, 2d or 1w", refreshAfter)
		}
		return d, "", nil
	case strings.HasPrefix(policy, "every_"):
		d, err := str2duration.ParseDuration(strings.TrimPrefix(policy, "every_"))
		if !everyRe.MatchString(policy) || err != nil || d <= 0 {
			return 0, PullPolicyField, fmt.Errorf("invalid pull policy %q: every_<duration> takes whole numbers with units w, d, h, m or s, more than zero in all, such as every_12h or every_1w2d", policy)
		}
		return d, "", nil
	}
	return 0, "", nil
}
