package expander

import (
	"testing"

	"github.com/stretchr/testify/assert"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

func TestCheckAnswer(t *testing.T) {
	off := false
	comps := func(names ...string) map[string]*khepriv1.Composition {
		m := map[string]*khepriv1.Composition{}
		for _, n := range names {
			m[n] = &khepriv1.Composition{}
		}
		return m
	}
	targets := func(names ...string) map[string]*khepriv1.SystemdTarget {
		m := map[string]*khepriv1.SystemdTarget{}
		for _, n := range names {
			m["khepri-"+n] = &khepriv1.SystemdTarget{}
		}
		return m
	}
	tests := []struct {
		name    string
		req     *khepriv1.ExpandRequest
		resp    *khepriv1.ExpandResponse
		wantErr string
	}{
		{
			name: "every composition has its target",
			req:  &khepriv1.ExpandRequest{Compositions: comps("a", "b")},
			resp: &khepriv1.ExpandResponse{Targets: targets("a", "b")},
		},
		{
			name: "no compositions, nothing to answer",
			req:  &khepriv1.ExpandRequest{},
			resp: &khepriv1.ExpandResponse{},
		},
		{
			name: "a disabled composition has none",
			req: &khepriv1.ExpandRequest{Compositions: map[string]*khepriv1.Composition{
				"a": {}, "off": {Enable: &off},
			}},
			resp: &khepriv1.ExpandResponse{Targets: targets("a")},
		},
		{
			name: "an error diagnostic answers alone",
			req:  &khepriv1.ExpandRequest{Compositions: comps("a")},
			resp: &khepriv1.ExpandResponse{Diagnostics: []*khepriv1.Diagnostic{{
				Severity: khepriv1.Severity_SEVERITY_ERROR, Path: "khepri.compositions.a", Message: "bad",
			}}},
		},
		{
			name:    "empty response",
			req:     &khepriv1.ExpandRequest{Compositions: comps("a")},
			resp:    &khepriv1.ExpandResponse{},
			wantErr: "expander plugin /p returned neither a target nor an error diagnostic for composition a; is it a khepri expander plugin of this version?",
		},
		{
			name: "a warning is no answer",
			req:  &khepriv1.ExpandRequest{Compositions: map[string]*khepriv1.Composition{"a": nil}},
			resp: &khepriv1.ExpandResponse{Diagnostics: []*khepriv1.Diagnostic{{
				Severity: khepriv1.Severity_SEVERITY_WARNING, Path: "khepri.compositions.a", Message: "hm",
			}}},
			wantErr: "expander plugin /p returned neither a target nor an error diagnostic for composition a; is it a khepri expander plugin of this version?",
		},
		{
			name:    "many missing, the first five named",
			req:     &khepriv1.ExpandRequest{Compositions: comps("a", "b", "c", "d", "e", "f", "g", "ok")},
			resp:    &khepriv1.ExpandResponse{Targets: targets("ok")},
			wantErr: "expander plugin /p returned neither a target nor an error diagnostic for compositions a, b, c, d, e and 2 more; is it a khepri expander plugin of this version?",
		},
		{
			name:    "no response at all",
			req:     &khepriv1.ExpandRequest{},
			resp:    nil,
			wantErr: "expander plugin /p returned no response",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkAnswer("/p", tt.req, tt.resp)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tt.wantErr)
			assert.ErrorIs(t, err, ErrBadResponse)
		})
	}
}
