package render

import (
	"testing"

	"github.com/racksmith/racksmith/modules/internal/testinv"
)

func TestExampleStacksPass(t *testing.T) {
	for _, stack := range []string{"example", "lab"} {
		_, diags := New(testinv.Load(t, stack))
		if diags.HasErrors() {
			t.Errorf("stacks/%s refused: %s", stack, diags.Error())
		}
	}
}
