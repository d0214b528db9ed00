package agent

import (
	"testing"

	"github.com/racksmith/racksmith/pxe/plan"
)

func TestClevisPin(t *testing.T) {
	for _, c := range []struct {
		e          plan.Encryption
		pin, cfg   string
		trust, bad bool
	}{
		{e: plan.Encryption{KeySource: "tang", Tang: []string{"http://t1:7500/"}},
			pin: "tang", cfg: `{"url":"http://t1:7500"}`, trust: true},
		{e: plan.Encryption{KeySource: "tang", Tang: []string{"http://t1", "https://t2"}, TangThumbprints: []string{"a-b", "c_d"}},
			pin: "sss", cfg: `{"pins":{"tang":[{"url":"http://t1","thp":"a-b"},{"url":"https://t2","thp":"c_d"}]},"t":1}`},
		{e: plan.Encryption{KeySource: "tang", Tang: []string{"http://t1", "http://t2"}, TangThumbprints: []string{"a", ""}}, bad: true},
		{e: plan.Encryption{KeySource: "tang", Tang: []string{"http://t1", "http://t2"}, TangThumbprints: []string{"a"}}, bad: true},
		{e: plan.Encryption{KeySource: "tang", Tang: []string{"t1:7500"}}, bad: true},
		{e: plan.Encryption{KeySource: "tang"}, bad: true},
		{e: plan.Encryption{KeySource: "vault"}, bad: true},
	} {
		err := checkKeySource(c.e)
		if c.bad {
			if err == nil {
				t.Errorf("%+v: accepted", c.e)
			}
			continue
		}
		pin, cfg, perr := clevisPin(c.e)
		if err != nil || perr != nil || pin != c.pin || cfg != c.cfg || trustFirstUse(c.e) != c.trust {
			t.Errorf("%+v: %v %v pin %s cfg %s trust %v", c.e, err, perr, pin, cfg, trustFirstUse(c.e))
		}
	}
}
