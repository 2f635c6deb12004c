package assistant

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestTreesLoadAndScore(t *testing.T) {
	// One stump on the coverage: above 0.5, +2; else -2; rate 0.5.
	m, err := loadTrees([]byte(`{"rate":0.5,"trees":[[{"f":0,"t":0.5,"l":1,"r":2},{"v":-2},{"v":2}]]}`), nFeatures)
	if err != nil {
		t.Fatal(err)
	}
	var lo, hi [nFeatures]float64
	lo[fCoverage], hi[fCoverage] = 0.2, 0.9
	for _, tt := range []struct {
		name string
		f    [nFeatures]float64
		want float64
	}{
		{"low coverage", lo, 1 / (1 + math.Exp(1))},
		{"high coverage", hi, 1 / (1 + math.Exp(-1))},
	} {
		if got := m.probability(tt.f[:]); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: got %.4f, want %.4f", tt.name, got, tt.want)
		}
	}
}

func TestTreesRejectMalformedModels(t *testing.T) {
	for _, tt := range []struct{ name, src, want string }{
		{"not json", `{`, "confidence model"},
		{"no trees", `{"rate":0.1,"trees":[]}`, "no trees"},
		{"child out of range", `{"rate":0.1,"trees":[[{"f":0,"t":1,"l":1,"r":5},{"v":1}]]}`, "malformed"},
		{"child pointing back", `{"rate":0.1,"trees":[[{"v":0},{"f":0,"t":1,"l":1,"r":0}]]}`, "malformed"},
		{"unknown feature", `{"rate":0.1,"trees":[[{"f":99,"t":1,"l":1,"r":2},{"v":1},{"v":2}]]}`, "malformed"},
	} {
		if _, err := loadTrees([]byte(tt.src), nFeatures); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error with %q", tt.name, err, tt.want)
		}
	}
}

func TestShippedModelsLoad(t *testing.T) {
	for name, src := range map[string][]byte{"confidence.json": confidenceJSON, "scope.json": scopeJSON, "inscope.json": inScopeJSON} {
		m, err := loadTrees(src, nFeatures)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(m.Trees) < 50 {
			t.Errorf("%s has %d trees: not the fitted model", name, len(m.Trees))
		}
	}
	if string(confidenceJSON) == string(scopeJSON) || string(scopeJSON) == string(inScopeJSON) {
		t.Error("scope.json or inscope.json is a copy of another model, not its own fit")
	}
}

func TestConfidenceModelIgnoresScopeOnlyFeatures(t *testing.T) {
	m, err := loadTrees(confidenceJSON, nFeatures)
	if err != nil {
		t.Fatal(err)
	}
	for i, tree := range m.Trees {
		for _, n := range tree {
			if n.Left != 0 && slices.Contains(scopeOnly[:], n.Feature) {
				t.Fatalf("tree %d splits on feature %d, which only the scope model may weigh", i, n.Feature)
			}
		}
	}
	s, err := loadTrees(scopeJSON, nFeatures)
	if err != nil {
		t.Fatal(err)
	}
	uses := false
	for _, tree := range s.Trees {
		for _, n := range tree {
			uses = uses || (n.Left != 0 && slices.Contains(scopeOnly[:], n.Feature))
		}
	}
	if !uses {
		t.Error("the scope model never weighs the questions asked about no card")
	}
}
