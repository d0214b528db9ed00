package server

import "errors"

// ErrConfig: the boot server's configuration is unusable.
var ErrConfig = errors.New("invalid boot server configuration")
