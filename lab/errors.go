package lab

import "errors"

// Sentinel errors; match them with errors.Is.
var (
	// ErrInventory: the inventory cannot be laid out as a lab.
	ErrInventory = errors.New("inventory not usable for the lab")
	// ErrMissingTool: a program the lab runs is not installed.
	ErrMissingTool = errors.New("missing tool")
	// ErrAlreadyUp: the lab's namespace exists already.
	ErrAlreadyUp = errors.New("lab already up")
	// ErrNotUp: the lab is not running.
	ErrNotUp = errors.New("lab not up")
	// ErrUnknownHost: no such host in the lab.
	ErrUnknownHost = errors.New("no such lab host")
)
