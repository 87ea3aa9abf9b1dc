import HamiltonianLearning
import RealModule

/// The `pipelined` scheme written from its definition, for tests: every message, state and
/// activation of every step is kept in arrays indexed by block and step, so each line says which
/// step it reads; plain loops, complex numbers as (re, im), θ a flat array addressed by the
/// layout's tensor names, updated by plain SGD (θ ← θ − γ g) after the whole gradient of a step.
final class PipelinedReference {
    let c: DeepForecasterConfiguration
    let layout: ParameterLayout
    let rate: Double
    var theta: [Double]
    var t = 0
    // Per block j and step s (appended as steps go):
    var blockInput: [[[Double]]], stateRe: [[[Double]]], stateIm: [[[Double]]], lruOutput: [[[Double]]], blockOutput: [[[Double]]]
    /// costate[j][s]: ∂(φL)/∂(block j's output) that block j+1 sent at step s.
    var costate: [[[Double]]]
    var inputs: [[Double]] = []
    // Current state and temporal credit per block.
    var hRe, hIm, zRe, zIm, eRe, eIm: [[Double]]
    var traceBRe, traceBIm: [[[Double]]]
    var lastPrediction: [Double] = []

    init(configuration: DeepForecasterConfiguration, parameters: [Double], layout: ParameterLayout, learningRate: Double) {
        precondition(configuration.coupling == .residual)
        (c, theta, self.layout, rate) = (configuration, parameters, layout, learningRate)
        let (k, n, w) = (c.blockCount, c.stateCount, c.width)
        blockInput = Array(repeating: [], count: k)
        stateRe = blockInput; stateIm = blockInput; lruOutput = blockInput; blockOutput = blockInput; costate = blockInput
        let zeros = Array(repeating: Array(repeating: 0.0, count: n), count: k)
        (hRe, hIm, zRe, zIm, eRe, eIm) = (zeros, zeros, zeros, zeros, zeros, zeros)
        traceBRe = Array(repeating: Array(repeating: Array(repeating: 0.0, count: w), count: n), count: k)
        traceBIm = traceBRe
    }

    func range(_ name: String) -> Range<Int> { layout.tensor(named: name)!.range }
    func tensor(_ name: String) -> [Double] { Array(theta[range(name)]) }
    /// W x + b for row-major W.
    func affine(_ weight: [Double], _ bias: [Double]?, _ x: [Double], rows: Int) -> [Double] {
        (0..<rows).map { r in
            var sum = bias?[r] ?? 0
            for col in x.indices { sum += weight[r * x.count + col] * x[col] }
            return sum
        }
    }
    /// Wᵀ g for row-major W with `columns` columns.
    func transposed(_ weight: [Double], _ g: [Double], columns: Int) -> [Double] {
        (0..<columns).map { col in
            var sum = 0.0
            for r in g.indices { sum += weight[r * columns + col] * g[r] }
            return sum
        }
    }
    func lambda(_ j: Int) -> (re: [Double], im: [Double], expNu: [Double], expPhase: [Double]) {
        let nu = tensor("blocks.\(j).recurrent.nu_log").map { Double.exp($0) }
        let phase = tensor("blocks.\(j).recurrent.phase_log").map { Double.exp($0) }
        let re = (0..<c.stateCount).map { Double.exp(-nu[$0]) * Double.cos(phase[$0]) }
        let im = (0..<c.stateCount).map { Double.exp(-nu[$0]) * Double.sin(phase[$0]) }
        return (re, im, nu, phase)
    }

    /// Step t's prediction; block j reads block j−1's output of step t−1 (zeros before step 0).
    func forward(_ u: [Double]) -> [Double] {
        inputs.append(u)
        var x = affine(tensor("input.weight"), tensor("input.bias"), u, rows: c.width)
        for j in 0..<c.blockCount {
            if j > 0 { x = t >= 1 ? blockOutput[j - 1][t - 1] : Array(repeating: 0, count: c.width) }
            let name = "blocks.\(j).recurrent"
            let fromState = zip(affine(tensor("\(name).C_re"), nil, hRe[j], rows: c.hiddenCount),
                                affine(tensor("\(name).C_im"), nil, hIm[j], rows: c.hiddenCount)).map { $0 - $1 }
            let a = zip(affine(tensor("\(name).D"), tensor("\(name).bias"), x, rows: c.hiddenCount), fromState).map { $0 + $1 }
            let gelu = a.map { $0 * (1 + Double.erf($0 / Double.sqrt(2))) / 2 }
            let out = zip(x, affine(tensor("blocks.\(j).mix.weight"), tensor("blocks.\(j).mix.bias"), gelu, rows: c.width)).map { $0 + $1 }
            blockInput[j].append(x); stateRe[j].append(hRe[j]); stateIm[j].append(hIm[j]); lruOutput[j].append(a); blockOutput[j].append(out)
            let l = lambda(j)
            let bRe = affine(tensor("\(name).B_re"), nil, x, rows: c.stateCount), bIm = affine(tensor("\(name).B_im"), nil, x, rows: c.stateCount)
            for n in 0..<c.stateCount {
                (hRe[j][n], hIm[j][n]) = (l.re[n] * hRe[j][n] - l.im[n] * hIm[j][n] + bRe[n], l.re[n] * hIm[j][n] + l.im[n] * hRe[j][n] + bIm[n])
            }
        }
        let top = blockOutput[c.blockCount - 1][t]
        lastPrediction = zip(affine(tensor("readout.weight"), tensor("readout.bias"), top, rows: c.outputCount),
                             affine(tensor("skip.weight"), nil, u, rows: c.outputCount)).map { $0 + $1 }
        return lastPrediction
    }

    /// Learns from step t's target (MSE, φ = 1, τ = 1, η as given for the costate) and ends step t.
    func learn(_ target: [Double], eta: Double) {
        var g = Array(repeating: 0.0, count: theta.count)
        func add(_ name: String, _ values: [Double]) { for (i, v) in zip(range(name), values) { g[i] += v } }
        func outer(_ a: [Double], _ b: [Double]) -> [Double] { a.flatMap { x in b.map { x * $0 } } }
        let gy = zip(lastPrediction, target).map { 2 * ($0 - $1) / Double(c.outputCount) }
        let top = c.blockCount - 1
        add("readout.weight", outer(gy, blockOutput[top][t])); add("readout.bias", gy); add("skip.weight", outer(gy, inputs[t]))
        for j in 0..<c.blockCount {
            costate[j].append(Array(repeating: 0, count: c.width))
            // Block j's error of step t is about its forward of step t − 2(K − 1 − j).
            let s = t - 2 * (top - j)
            guard s >= 0 else { continue }
            let gOut = j == top ? transposed(tensor("readout.weight"), gy, columns: c.width) : costate[j][t - 1]
            let name = "blocks.\(j).recurrent"
            let a = lruOutput[j][s]
            let gelu = a.map { $0 * (1 + Double.erf($0 / Double.sqrt(2))) / 2 }
            add("blocks.\(j).mix.weight", outer(gOut, gelu)); add("blocks.\(j).mix.bias", gOut)
            let gGelu = transposed(tensor("blocks.\(j).mix.weight"), gOut, columns: c.hiddenCount)
            let ga = (0..<c.hiddenCount).map { i in
                gGelu[i] * ((1 + Double.erf(a[i] / Double.sqrt(2))) / 2 + a[i] * Double.exp(-a[i] * a[i] / 2) / Double.sqrt(2 * Double.pi))
            }
            let (x, hr, hi) = (blockInput[j][s], stateRe[j][s], stateIm[j][s])
            // a = Re(C h) + D x + bias, so ∂a/∂h_re = C_re and ∂a/∂h_im = −C_im.
            let deltaRe = transposed(tensor("\(name).C_re"), ga, columns: c.stateCount)
            let deltaIm = transposed(tensor("\(name).C_im"), ga, columns: c.stateCount).map { -$0 }
            add("\(name).C_re", outer(ga, hr)); add("\(name).C_im", outer(ga, hi.map { -$0 }))
            add("\(name).D", outer(ga, x)); add("\(name).bias", ga)
            let l = lambda(j)
            var (gLambdaRe, gLambdaIm) = (Array(repeating: 0.0, count: c.stateCount), Array(repeating: 0.0, count: c.stateCount))
            for n in 0..<c.stateCount {
                var (gbRe, gbIm) = (Array(repeating: 0.0, count: c.width), Array(repeating: 0.0, count: c.width))
                switch c.gradientMode {
                case .traces:  // conj(trace) δ, then trace ← λ trace + (h_s or x_s)
                    gLambdaRe[n] = eRe[j][n] * deltaRe[n] + eIm[j][n] * deltaIm[n]
                    gLambdaIm[n] = eRe[j][n] * deltaIm[n] - eIm[j][n] * deltaRe[n]
                    (eRe[j][n], eIm[j][n]) = (l.re[n] * eRe[j][n] - l.im[n] * eIm[j][n] + hr[n], l.re[n] * eIm[j][n] + l.im[n] * eRe[j][n] + hi[n])
                    for i in 0..<c.width {
                        let (tr, ti) = (traceBRe[j][n][i], traceBIm[j][n][i])
                        gbRe[i] = tr * deltaRe[n] + ti * deltaIm[n]
                        gbIm[i] = tr * deltaIm[n] - ti * deltaRe[n]
                        (traceBRe[j][n][i], traceBIm[j][n][i]) = (l.re[n] * tr - l.im[n] * ti + x[i], l.re[n] * ti + l.im[n] * tr)
                    }
                case .costate:  // conj(h_s) z and z x_sᵀ (τ = 1), then z ← (conj λ − η) z + δ
                    let (zr, zi) = (zRe[j][n], zIm[j][n])
                    gLambdaRe[n] = hr[n] * zr + hi[n] * zi
                    gLambdaIm[n] = hr[n] * zi - hi[n] * zr
                    gbRe = x.map { zr * $0 }
                    gbIm = x.map { zi * $0 }
                    zRe[j][n] = (l.re[n] - eta) * zr + l.im[n] * zi + deltaRe[n]
                    zIm[j][n] = (l.re[n] - eta) * zi - l.im[n] * zr + deltaIm[n]
                }
                for i in 0..<c.width {
                    g[range("\(name).B_re").lowerBound + n * c.width + i] += gbRe[i]
                    g[range("\(name).B_im").lowerBound + n * c.width + i] += gbIm[i]
                }
            }
            // λ = exp(w), w = −e^ν + i e^ϕ: ∂/∂w = conj(λ) ∂/∂λ.
            for n in 0..<c.stateCount {
                let gwRe = l.re[n] * gLambdaRe[n] + l.im[n] * gLambdaIm[n]
                let gwIm = l.re[n] * gLambdaIm[n] - l.im[n] * gLambdaRe[n]
                g[range("\(name).nu_log").lowerBound + n] += -l.expNu[n] * gwRe
                g[range("\(name).phase_log").lowerBound + n] += l.expPhase[n] * gwIm
            }
            let gIn = zip(gOut, transposed(tensor("\(name).D"), ga, columns: c.width)).map { $0 + $1 }
            if j == 0 {
                add("input.weight", outer(gIn, inputs[s])); add("input.bias", gIn)
            } else {
                costate[j - 1][t] = gIn
            }
        }
        for i in theta.indices { theta[i] -= rate * g[i] }
        t += 1
    }
}
