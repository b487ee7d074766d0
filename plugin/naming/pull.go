package naming

// PullUnit is khepri's unit keeping a composition's images current, without suffix: a
// service `<unit>.service` and the timer `<unit>.timer` that starts it.
func PullUnit(composition string) string {
	return "khepri-" + composition + "-pull"
}

// TimerFile appends the `.timer` suffix to a timer's name.
func TimerFile(timer string) string { return timer + ".timer" }

// PullState is the file where the pull unit of a composition records when it pulled
// each image, in the unit's state directory (PullStateDirectory under /var/lib).
func PullState(composition string) string {
	return "/var/lib/" + PullStateDirectory + "/" + composition + ".json"
}

// PullStateDirectory is the pull units' StateDirectory=.
const PullStateDirectory = "khepri/pull"
