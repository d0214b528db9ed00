package bootapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/racksmith/racksmith/pxe/plan"
)

// BootPlan fetches, with the unlock token, what an installed host lays
// into its root at a boot from disk (GET url, the boot server's
// /api/v1/agent/boot-plan). Repeated while the boot server is away.
func (c *Client) BootPlan(ctx context.Context, url string) (*plan.BootPlan, error) {
	b, err := c.doURL(ctx, http.MethodGet, url, nil, 32<<20, true)
	if err != nil {
		return nil, err
	}
	var bp plan.BootPlan
	if err := json.Unmarshal(b, &bp); err != nil {
		return nil, fmt.Errorf("decode boot plan: %w", err)
	}
	return &bp, nil
}

// Delivered reports what was laid down (POST url, the boot server's
// /api/v1/agent/delivered). Safe to repeat: the report is a state, not a
// counter.
func (c *Client) Delivered(ctx context.Context, url string, d plan.Delivery) error {
	body, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode delivery report: %w", err)
	}
	_, err = c.doURL(ctx, http.MethodPost, url, body, 64<<10, true)
	return err
}
