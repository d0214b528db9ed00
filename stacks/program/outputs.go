package program

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// HostOutputs is one server's entry of the secret stack output "hosts".
type HostOutputs struct {
	LUKSKey        string            `json:"luksKey"`
	FilesDelivered map[string]string `json:"filesDelivered"`
	ArrayUUIDs     map[string]string `json:"arrayUuids"`
	LUKSUUID       string            `json:"luksUuid"`
}

// Hosts reads the stack's "hosts" output with its secrets decrypted (the
// LUKS keys: never print them). A server missing from it was never
// installed by this stack.
func (s Stack) Hosts(ctx context.Context) (map[string]HostOutputs, error) {
	st, err := s.open(ctx)
	if err != nil {
		return nil, err
	}
	outs, err := st.Outputs(ctx)
	if err != nil {
		return nil, fmt.Errorf("outputs of stack %s: %w", s.Name, err)
	}
	return decodeHosts(outs)
}

func decodeHosts(outs auto.OutputMap) (map[string]HostOutputs, error) {
	v, ok := outs[HostsOutput]
	if !ok {
		return nil, fmt.Errorf("stack has no %q output: run racksmith up first", HostsOutput)
	}
	b, err := json.Marshal(v.Value)
	if err != nil {
		return nil, err
	}
	hosts := map[string]HostOutputs{}
	if err := json.Unmarshal(b, &hosts); err != nil {
		return nil, fmt.Errorf("stack output %q: unexpected shape", HostsOutput)
	}
	return hosts, nil
}
