package bmc

import (
	"context"
	"log/slog"
	"time"
)

// audit writes the one log line of a BMC action: who (the BMC user), what,
// which BMC, the result and the duration. It never logs the password.
func (c *Client) audit(ctx context.Context, action, result string, attempts int, start time.Time, err error) {
	level := slog.LevelInfo
	attrs := []slog.Attr{
		slog.String("user", c.ep.Username),
		slog.String("action", action),
		slog.String("host", c.Host()),
		slog.String("protocol", protocolName(c.ep.Protocol)),
		slog.String("result", result),
		slog.Int("attempts", attempts),
		slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.log.LogAttrs(ctx, level, "bmc action", attrs...)
}

func protocolName(p string) string {
	if p == "" {
		return "auto"
	}
	return p
}
