import HamiltonianLearning
import RealModule
import Testing

/// The deep forecaster's backward pass against central finite differences, in Double, with a
/// forward pass written here from the equations and the layout's tensor names.
@Suite struct DeepForecasterGradientTests {
    static let configuration = DeepForecasterConfiguration(
        inputCount: 3, width: 4, blockCount: 2, stateCount: 3, hiddenCount: 5, outputCount: 2,
        minimumRadius: 0.6, maximumRadius: 0.95, maximumPhase: 1.0)

    /// y and each block's input for θ, input u and block states h[k] = re ++ im.
    static func reference(theta: [Double], layout: ParameterLayout, states: [[Double]], input u: [Double])
        -> (output: [Double], blockInputs: [[Double]])
    {
        func tensor(_ name: String) -> [Double] { Array(theta[layout.tensor(named: name)!.range]) }
        func affine(_ weight: [Double], _ bias: [Double]?, _ x: [Double], rows: Int) -> [Double] {
            (0..<rows).map { r -> Double in
                var sum: Double = bias?[r] ?? 0
                for c in x.indices { sum += weight[r * x.count + c] * x[c] }
                return sum
            }
        }
        let c = configuration
        var x = affine(tensor("input.weight"), tensor("input.bias"), u, rows: c.width)
        var blockInputs: [[Double]] = []
        for k in 0..<c.blockCount {
            let name = "blocks.\(k)"
            let n = c.stateCount
            let (hRe, hIm) = (Array(states[k][0..<n]), Array(states[k][n..<(2 * n)]))
            let stateRe = affine(tensor("\(name).recurrent.C_re"), nil, hRe, rows: c.hiddenCount)
            let stateIm = affine(tensor("\(name).recurrent.C_im"), nil, hIm, rows: c.hiddenCount)
            let direct = affine(tensor("\(name).recurrent.D"), tensor("\(name).recurrent.bias"), x, rows: c.hiddenCount)
            let a = (0..<c.hiddenCount).map { stateRe[$0] - stateIm[$0] + direct[$0] }
            let gelu = a.map { $0 * (1 + Double.erf($0 / Double.sqrt(2))) / 2 }
            let mixed = affine(tensor("\(name).mix.weight"), tensor("\(name).mix.bias"), gelu, rows: c.width)
            blockInputs.append(x)
            x = zip(x, mixed).map { $0 + $1 }
        }
        let readout = affine(tensor("readout.weight"), tensor("readout.bias"), x, rows: c.outputCount)
        let skip = affine(tensor("skip.weight"), nil, u, rows: c.outputCount)
        return (zip(readout, skip).map { $0 + $1 }, blockInputs)
    }

    static func meanSquaredError(_ y: [Double], _ target: [Double]) -> Double {
        var sum = 0.0
        for (prediction, expected) in zip(y, target) { sum += (prediction - expected) * (prediction - expected) }
        return sum / Double(y.count)
    }

    /// θ drawn by the model's initialiser, with a non-identity skip and non-zero biases so every
    /// tensor takes part.
    static func parameters(_ model: DeepForecaster<Double>, seed: UInt64) -> [Double] {
        let theta = ScalarBuffer<Double>(count: model.layout.count)
        var generator = SeededGenerator(seed: seed)
        model.initialize(parameters: theta.pointer, generator: &generator)
        var values = theta.array
        let noise = randomVectors(count: 1, size: values.count, seed: seed + 1, scale: 0.1)[0]
        for tensor in model.layout.tensors where tensor.name.hasSuffix("bias") || tensor.name.hasPrefix("skip") {
            for i in tensor.range { values[i] += noise[i] }
        }
        return values
    }

    static func setStates(_ model: DeepForecaster<Double>, _ states: [[Double]]) {
        let n = configuration.stateCount
        for (block, state) in zip(model.blocks, states) {
            block.recurrent.hRe.assign(Array(state[0..<n]))
            block.recurrent.hIm.assign(Array(state[n..<(2 * n)]))
        }
    }

    @Test("state detached: every gradient is ∂L/∂θ at the given states (≤ 1e-7)", arguments: RecurrentGradientMode.allCases)
    func detached(mode: RecurrentGradientMode) {
        var configuration = Self.configuration
        configuration.gradientMode = mode
        configuration.detachesState = true
        let model = DeepForecaster<Double>(configuration)
        let theta = Self.parameters(model, seed: 21)
        let states = randomVectors(count: configuration.blockCount, size: 2 * configuration.stateCount, seed: 22)
        let u = [0.4, -0.9, 0.3], target = [0.25, -0.5]
        let numeric = GradientCheckTests.numericalGradient(at: theta) {
            Self.meanSquaredError(Self.reference(theta: $0, layout: model.layout, states: states, input: u).output, target)
        }
        let parameters = ScalarBuffer(theta)
        model.parametersDidChange(parameters.pointer)
        Self.setStates(model, states)
        var y = [0.0, 0.0], outputGradient = y
        model.forward(input: u, parameters: parameters.pointer, output: &y)
        #expect(maxAbsDifference(y, Self.reference(theta: theta, layout: model.layout, states: states, input: u).output) <= 1e-12)
        _ = LossFunction.meanSquaredError.evaluate(prediction: y, target: target, count: 2, gradientScale: 1, gradient: &outputGradient)
        var gradient = [Double](repeating: .nan, count: theta.count)
        model.backward(parameters: parameters.pointer, outputGradient: &outputGradient, gradient: &gradient, step: EulerStep(tau: 1, eta: 0))
        #expect(gradient.allSatisfy { $0.isFinite }, "every gradient slot must be written")
        let difference = maxAbsDifference(gradient, numeric)
        print("deep detached vs finite differences (\(mode)): max |Δg| = \(difference)")
        #expect(difference <= 1e-7)
        // The check covers the depth path: the lowest block and the input projection get a real gradient.
        for name in ["input.weight", "blocks.0.recurrent.D", "blocks.0.recurrent.C_im", "blocks.0.mix.weight"] {
            #expect(gradient[model.layout.tensor(named: name)!.range].map(abs).max()! > 1e-3, "\(name) gradient is trivially small")
        }
    }

    /// L of the window's last sample and the model's ∂L/∂θ, frozen weights θ, states from zero.
    static func windowLossAndGradient(_ configuration: DeepForecasterConfiguration, theta: [Double], inputs: [[Double]], target: [Double])
        -> (loss: Double, gradient: [Double])
    {
        let learner = ReferenceLearner(
            model: DeepForecaster<Double>(configuration), optimizer: StochasticGradientDescent<Double>(learningRate: 0))
        learner.setParameters(theta)
        for u in inputs.dropLast() { learner.step(input: u, target: nil) }
        learner.forward(input: inputs.last!)
        let loss = target.withUnsafeBufferPointer { learner.computeGradient(target: $0.baseAddress!) }
        return (loss, learner.gradient.array)
    }

    @Test("traces through time: the read-out, the skip and the top block's gradients are exact (≤ 1e-7)", arguments: [1, 2])
    func tracesThroughTime(blocks: Int) {
        var configuration = Self.configuration
        configuration.blockCount = blocks
        let model = DeepForecaster<Double>(configuration)
        let theta = Self.parameters(model, seed: 31)
        let inputs = randomVectors(count: 8, size: 3, seed: 32)
        let target = [0.5, -0.25]
        let analytic = Self.windowLossAndGradient(configuration, theta: theta, inputs: inputs, target: target).gradient
        let top = "blocks.\(blocks - 1)."
        let exact = model.layout.tensors.filter {
            $0.name.hasPrefix(top) || $0.name.hasPrefix("readout.") || $0.name.hasPrefix("skip.")
        }
        var worst = 0.0
        for tensor in exact {
            let numeric = GradientCheckTests.numericalGradient(at: Array(theta[tensor.range])) { slice in
                var point = theta
                point.replaceSubrange(tensor.range, with: slice)
                return Self.windowLossAndGradient(configuration, theta: point, inputs: inputs, target: target).loss
            }
            worst = max(worst, maxAbsDifference(Array(analytic[tensor.range]), numeric))
        }
        print("deep traces (K = \(blocks)) vs finite differences, exact part: max |Δg| = \(worst)")
        #expect(worst <= 1e-7)
        for name in ["nu_log", "phase_log", "B_re", "B_im"] {
            let range = model.layout.tensor(named: top + "recurrent." + name)!.range
            #expect(analytic[range].map(abs).max()! > 1e-4, "\(name) gradient is trivially small")
        }
    }

    /// Σ_k z_kᵀ f_k / τ with f_k = λ_k ⊙ h_k + B_k x̄_k − h_k, each block's input x̄_k given.
    static func costateTerm(
        theta: [Double], layout: ParameterLayout, states: [[Double]], costates: [[Double]], blockInputs: [[Double]], tau: Double
    ) -> Double {
        func tensor(_ name: String) -> ArraySlice<Double> { theta[layout.tensor(named: name)!.range] }
        let n = configuration.stateCount
        var total = 0.0
        for k in 0..<configuration.blockCount {
            let name = "blocks.\(k).recurrent"
            let (nu, phase, bRe, bIm) = (tensor("\(name).nu_log"), tensor("\(name).phase_log"), tensor("\(name).B_re"), tensor("\(name).B_im"))
            let (h, z, x) = (states[k], costates[k], blockInputs[k])
            for s in 0..<n {
                let radius = Double.exp(-Double.exp(nu[nu.startIndex + s]))
                let angle = Double.exp(phase[phase.startIndex + s])
                let (lr, li) = (radius * Double.cos(angle), radius * Double.sin(angle))
                var fr = lr * h[s] - li * h[n + s] - h[s]
                var fi = lr * h[n + s] + li * h[s] - h[n + s]
                for j in x.indices {
                    fr += bRe[bRe.startIndex + s * x.count + j] * x[j]
                    fi += bIm[bIm.startIndex + s * x.count + j] * x[j]
                }
                total += (z[s] * fr + z[n + s] * fi) / tau
            }
        }
        return total
    }

    /// Design note §6.6 block by block: z_k and ∂H'/∂θ follow the Euler step of (E3)/(E4) for
    /// H' = φL + Σ_k z_kᵀ f_k, where ∂L/∂h_k takes every path through this step's blocks and each
    /// block's input in its own f_k counts as given (the instant scheme's cut).
    @Test("costate: z and ∂H'/∂θ follow the Euler step of (E3)/(E4) in every block", arguments: [1.0, 0.5])
    func costateStep(tau: Double) {
        let (eta, phi) = (0.2, 0.8)
        var configuration = Self.configuration
        configuration.gradientMode = .costate
        let model = DeepForecaster<Double>(configuration)
        let theta = Self.parameters(model, seed: 41)
        let (blocks, n) = (configuration.blockCount, configuration.stateCount)
        let states = randomVectors(count: blocks, size: 2 * n, seed: 42)
        let costates = randomVectors(count: blocks, size: 2 * n, seed: 43)
        let u = [0.3, -0.8, 0.5], target = [0.1, 0.4]
        let blockInputs = Self.reference(theta: theta, layout: model.layout, states: states, input: u).blockInputs
        func hamiltonian(theta point: [Double], states h: [[Double]]) -> Double {
            let y = Self.reference(theta: point, layout: model.layout, states: h, input: u).output
            return phi * Self.meanSquaredError(y, target)
                + Self.costateTerm(theta: point, layout: model.layout, states: h, costates: costates, blockInputs: blockInputs, tau: tau)
        }
        let dH_dh = GradientCheckTests.numericalGradient(at: states.flatMap { $0 }) { flat in
            hamiltonian(theta: theta, states: (0..<blocks).map { Array(flat[($0 * 2 * n)..<(($0 + 1) * 2 * n)]) })
        }
        let dH_dtheta = GradientCheckTests.numericalGradient(at: theta) { hamiltonian(theta: $0, states: states) }

        let parameters = ScalarBuffer(theta)
        model.parametersDidChange(parameters.pointer)
        Self.setStates(model, states)
        for (block, z) in zip(model.blocks, costates) {
            block.recurrent.zRe.assign(Array(z[0..<n]))
            block.recurrent.zIm.assign(Array(z[n..<(2 * n)]))
        }
        var y = [0.0, 0.0], outputGradient = y
        model.forward(input: u, parameters: parameters.pointer, output: &y)
        _ = LossFunction.meanSquaredError.evaluate(prediction: y, target: target, count: 2, gradientScale: phi, gradient: &outputGradient)
        var gradient = [Double](repeating: .nan, count: theta.count)
        model.backward(
            parameters: parameters.pointer, outputGradient: &outputGradient, gradient: &gradient, step: EulerStep(tau: tau, eta: eta))

        let expectedZ = zip(costates.flatMap { $0 }, dH_dh).map { (1 - tau * eta) * $0 + tau * $1 }
        let z = model.blocks.flatMap { $0.recurrent.zRe.array + $0.recurrent.zIm.array }
        let (zDifference, gDifference) = (maxAbsDifference(z, expectedZ), maxAbsDifference(gradient, dH_dtheta))
        print("deep costate step (τ = \(tau)) vs finite differences: max |Δz| = \(zDifference), max |Δg| = \(gDifference)")
        #expect(zDifference <= 1e-8)
        #expect(gDifference <= 1e-7)
        #expect(gradient.allSatisfy { $0.isFinite }, "every gradient slot must be written")
    }
}
