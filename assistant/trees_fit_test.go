package assistant

import (
	"math"
	"sort"
)

// The boosting that fits the models (calibrate_test.go): second-order
// gradient boosting of the logistic loss with small trees.
const (
	boostRounds  = 300
	boostRate    = 0.05
	boostDepth   = 2
	boostMinLeaf = 40
	boostLambda  = 1.0
)

// fitTrees fits trees of the given depth to rows xs labelled ys.
func fitTrees(xs [][]float64, ys []float64, depth int) *boostedTrees {
	m := &boostedTrees{Rate: boostRate}
	if len(xs) == 0 {
		return m
	}
	f := &fitter{xs: xs, g: make([]float64, len(xs)), h: make([]float64, len(xs)), in: make([]bool, len(xs))}
	// Each feature's order is sorted once; a node walks it and keeps its
	// own rows, which is the same order a sort of the node would give
	// and much faster than sorting every node.
	width := len(xs[0])
	f.order = make([][]int, width)
	for k := range width {
		o := make([]int, len(xs))
		for i := range o {
			o[i] = i
		}
		sort.SliceStable(o, func(a, b int) bool { return xs[o[a]][k] < xs[o[b]][k] })
		f.order[k] = o
	}
	score := make([]float64, len(xs))
	all := make([]int, len(xs))
	for i := range all {
		all[i] = i
	}
	for range boostRounds {
		for i := range xs {
			p := 1 / (1 + math.Exp(-score[i]))
			f.g[i], f.h[i] = p-ys[i], p*(1-p)
		}
		var t []treeNode
		f.grow(&t, all, depth)
		m.Trees = append(m.Trees, t)
		for i, x := range xs {
			score[i] += boostRate * leafValue(t, x)
		}
	}
	return m
}

type fitter struct {
	xs    [][]float64
	g, h  []float64
	order [][]int
	in    []bool
}

// grow appends the tree over rows idx to t and returns its root's index.
func (f *fitter) grow(t *[]treeNode, idx []int, depth int) int {
	var G, H float64
	for _, i := range idx {
		G += f.g[i]
		H += f.h[i]
	}
	at := len(*t)
	*t = append(*t, treeNode{Value: -G / (H + boostLambda)})
	if depth == 0 || len(idx) < 2*boostMinLeaf {
		return at
	}
	for _, i := range idx {
		f.in[i] = true
	}
	base := G * G / (H + boostLambda)
	bestGain, bestF, bestT := 0.0, -1, 0.0
	for k, order := range f.order {
		var gl, hl float64
		n, prev := 0, -1
		for _, i := range order {
			if !f.in[i] {
				continue
			}
			if prev >= 0 {
				// A split between prev (the n-th row) and i.
				if n >= boostMinLeaf && len(idx)-n >= boostMinLeaf {
					a, b := f.xs[prev][k], f.xs[i][k]
					if a != b {
						gain := gl*gl/(hl+boostLambda) + (G-gl)*(G-gl)/(H-hl+boostLambda) - base
						if gain > bestGain {
							bestGain, bestF, bestT = gain, k, (a+b)/2
						}
					}
				}
			}
			gl += f.g[i]
			hl += f.h[i]
			n++
			prev = i
		}
	}
	for _, i := range idx {
		f.in[i] = false
	}
	if bestF < 0 {
		return at
	}
	var left, right []int
	for _, i := range idx {
		if f.xs[i][bestF] <= bestT {
			left = append(left, i)
		} else {
			right = append(right, i)
		}
	}
	l := f.grow(t, left, depth-1)
	r := f.grow(t, right, depth-1)
	(*t)[at] = treeNode{Feature: bestF, Threshold: bestT, Left: l, Right: r}
	return at
}
