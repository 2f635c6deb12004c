package assistant

import (
	"math"
	"sort"
)

// The boosting that fits confidence.json (calibrate_test.go): second-order
// gradient boosting of the logistic loss with trees of depth two.
const (
	boostRounds  = 300
	boostRate    = 0.05
	boostDepth   = 2
	boostMinLeaf = 40
	boostLambda  = 1.0
)

func fitTrees(xs [][nFeatures]float64, ys []float64) *boostedTrees {
	m := &boostedTrees{Rate: boostRate}
	score := make([]float64, len(xs))
	g := make([]float64, len(xs))
	h := make([]float64, len(xs))
	all := make([]int, len(xs))
	for i := range all {
		all[i] = i
	}
	for range boostRounds {
		for i := range xs {
			p := 1 / (1 + math.Exp(-score[i]))
			g[i], h[i] = p-ys[i], p*(1-p)
		}
		var t []treeNode
		grow(&t, xs, g, h, all, boostDepth)
		m.Trees = append(m.Trees, t)
		for i, x := range xs {
			score[i] += boostRate * leafValue(t, x)
		}
	}
	return m
}

// grow appends the tree over rows idx to t and returns its root's index.
func grow(t *[]treeNode, xs [][nFeatures]float64, g, h []float64, idx []int, depth int) int {
	var G, H float64
	for _, i := range idx {
		G += g[i]
		H += h[i]
	}
	at := len(*t)
	*t = append(*t, treeNode{Value: -G / (H + boostLambda)})
	if depth == 0 {
		return at
	}
	base := G * G / (H + boostLambda)
	bestGain, bestF, bestT := 0.0, -1, 0.0
	order := make([]int, len(idx))
	for f := range nFeatures {
		copy(order, idx)
		sort.SliceStable(order, func(a, b int) bool { return xs[order[a]][f] < xs[order[b]][f] })
		var gl, hl float64
		for k := 0; k < len(order)-1; k++ {
			i := order[k]
			gl += g[i]
			hl += h[i]
			if k+1 < boostMinLeaf || len(order)-k-1 < boostMinLeaf {
				continue
			}
			a, b := xs[order[k]][f], xs[order[k+1]][f]
			if a == b {
				continue
			}
			gain := gl*gl/(hl+boostLambda) + (G-gl)*(G-gl)/(H-hl+boostLambda) - base
			if gain > bestGain {
				bestGain, bestF, bestT = gain, f, (a+b)/2
			}
		}
	}
	if bestF < 0 {
		return at
	}
	var left, right []int
	for _, i := range idx {
		if xs[i][bestF] <= bestT {
			left = append(left, i)
		} else {
			right = append(right, i)
		}
	}
	l := grow(t, xs, g, h, left, depth-1)
	r := grow(t, xs, g, h, right, depth-1)
	(*t)[at] = treeNode{Feature: bestF, Threshold: bestT, Left: l, Right: r}
	return at
}
