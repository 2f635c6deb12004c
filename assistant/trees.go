package assistant

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// The confidence model: gradient-boosted regression trees over the
// features of confidence.go. A sum of small trees, unlike one weight per
// feature, can say "a high coverage counts only when the lead over the
// next card is clear", which is how a right top card differs from a
// near-miss. Fitted by calibrate_test.go (CALIBRATE=1) on the question
// sets of the demo and the comuni in testdata; each comune is answered
// with the question bank of the others.

//go:embed confidence.json
var confidenceJSON []byte

// The scope model: the same trees over the same features, fitted on
// another question: is the right card among those a clarification would
// offer? "Is the top card right?" is the wrong question for choosing
// between offering cards and handing off: a question whose right card is
// second is worth a choice, and a question about no service here is
// not, however its top card scores.
//
//go:embed scope.json
var scopeJSON []byte

// The in-scope model: the same trees over the same features, fitted on
// a plainer question still: is this question about a service of the
// comune at all? The scope model mixes two kinds of "no": a question
// whose right card would not be offered and one about no card here;
// only the second costs a hand-off that the citizen needed, so offering
// cards asks both models. Left out of the fit, it kept the same share of
// out-of-scope questions handed off with more right cards offered than
// a higher scope threshold alone.
//
//go:embed inscope.json
var inScopeJSON []byte

// treeNode is a split (Left > 0: go Left when the feature is at most
// Threshold, else Right) or a leaf with Value. Node 0 is the root.
type treeNode struct {
	Feature   int     `json:"f,omitempty"`
	Threshold float64 `json:"t,omitempty"`
	Left      int     `json:"l,omitempty"`
	Right     int     `json:"r,omitempty"`
	Value     float64 `json:"v,omitempty"`
}

// boostedTrees is the fitted model: the probability is the logistic of
// Rate times the sum of the trees' leaves.
type boostedTrees struct {
	Rate  float64      `json:"rate"`
	Trees [][]treeNode `json:"trees"`
}

// loadTrees reads a model over feature vectors of the given width.
func loadTrees(src []byte, width int) (*boostedTrees, error) {
	var m boostedTrees
	if err := json.Unmarshal(src, &m); err != nil {
		return nil, fmt.Errorf("confidence model: %w", err)
	}
	if len(m.Trees) == 0 || m.Rate <= 0 {
		return nil, errors.New("confidence model: no trees")
	}
	for i, t := range m.Trees {
		for j, n := range t {
			if n.Left == 0 {
				continue
			}
			if n.Feature < 0 || n.Feature >= width || n.Left <= j || n.Right <= j || n.Left >= len(t) || n.Right >= len(t) {
				return nil, fmt.Errorf("confidence model: tree %d node %d is malformed", i, j)
			}
		}
	}
	return &m, nil
}

// probability is the model's confidence for a feature vector.
func (m *boostedTrees) probability(f []float64) float64 {
	z := 0.0
	for _, t := range m.Trees {
		z += m.Rate * leafValue(t, f)
	}
	return 1 / (1 + math.Exp(-z))
}

// leafValue walks one tree down to the leaf a feature vector falls in.
func leafValue(t []treeNode, f []float64) float64 {
	n := 0
	for t[n].Left != 0 {
		if f[t[n].Feature] <= t[n].Threshold {
			n = t[n].Left
		} else {
			n = t[n].Right
		}
	}
	return t[n].Value
}
