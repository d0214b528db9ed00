package inspect

import "errors"

// Sentinel errors; match them with errors.Is.
var (
	// ErrNoArrays: the disks hold no md member.
	ErrNoArrays = errors.New("no md arrays")
	// ErrParse: a tool's output could not be read.
	ErrParse = errors.New("unreadable tool output")
	// ErrMissingTool: a program inspect runs is not installed.
	ErrMissingTool = errors.New("missing tool")
)
