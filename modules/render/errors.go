package render

import "errors"

// ErrRefused is returned (wrapped) when an inventory fails the renderers'
// checks; the diagnostics say why.
var ErrRefused = errors.New("inventory refused by role rendering")
