import HamiltonianLearning
import RealModule
import Testing

/// Design note §6.6: the forward-costate step is the Euler step of (E3)/(E4) for the linear state
/// net fʰ = (λ ⊙ h + B u − h)/τ, with the derivatives of H' = φL + zᵀfʰ taken numerically.
@Suite struct CostateTests {
    static let configuration = ForecasterConfiguration(
        inputCount: 3, stateCount: 4, hiddenCount: 5, outputCount: 2, activation: .gelu, gradientMode: .costate,
        minimumRadius: 0.6, maximumRadius: 0.95, maximumPhase: 1.0)

    /// zᵀ fʰ computed here, independently of the model, from θ's named tensors.
    static func costateTerm(theta: [Double], layout: ParameterLayout, h: [Double], z: [Double], u: [Double], tau: Double) -> Double {
        func tensor(_ name: String) -> ArraySlice<Double> { theta[layout.tensor(named: name)!.range] }
        let (nu, phase, bRe, bIm) = (tensor("recurrent.nu_log"), tensor("recurrent.phase_log"),
                                     tensor("recurrent.B_re"), tensor("recurrent.B_im"))
        let n = nu.count, inputs = u.count
        var total = 0.0
        for k in 0..<n {
            let radius = Double.exp(-Double.exp(nu[nu.startIndex + k]))
            let angle = Double.exp(phase[phase.startIndex + k])
            let (lr, li) = (radius * Double.cos(angle), radius * Double.sin(angle))
            var (fr, fi) = (lr * h[k] - li * h[n + k] - h[k], lr * h[n + k] + li * h[k] - h[n + k])
            for j in 0..<inputs {
                fr += bRe[bRe.startIndex + k * inputs + j] * u[j]
                fi += bIm[bIm.startIndex + k * inputs + j] * u[j]
            }
            total += (z[k] * fr + z[n + k] * fi) / tau
        }
        return total
    }

    @Test("z and ∂H'/∂θ follow the Euler step of (E3)/(E4)", arguments: [1.0, 0.5])
    func costateStep(tau: Double) {
        let (eta, phi) = (0.2, 0.8)
        let model = Forecaster<Double>(Self.configuration)
        let theta = ScalarBuffer<Double>(count: model.layout.count)
        var generator = SeededGenerator(seed: 12)
        model.initialize(parameters: theta.pointer, generator: &generator)
        let layer = model.recurrent
        // A state and costate away from zero, as after some learning.
        let h = randomVectors(count: 1, size: 8, seed: 3)[0]
        let z = randomVectors(count: 1, size: 8, seed: 4)[0]
        let u = [0.3, -0.8, 0.5], target = [0.1, 0.4]
        func setState(_ state: [Double]) {
            layer.hRe.assign(Array(state[0..<4]))
            layer.hIm.assign(Array(state[4..<8]))
        }
        func hamiltonian(theta point: [Double], state: [Double]) -> Double {
            let parameters = ScalarBuffer(point)
            model.parametersDidChange(parameters.pointer)
            setState(state)
            var y = [Double](repeating: 0, count: 2), scratch = y
            model.forward(input: u, parameters: parameters.pointer, output: &y)
            let loss = LossFunction.meanSquaredError.evaluate(
                prediction: y, target: target, count: 2, gradientScale: 1, gradient: &scratch)
            return phi * loss + Self.costateTerm(theta: point, layout: model.layout, h: state, z: z, u: u, tau: tau)
        }
        let thetaValues = theta.array
        let dH_dh = GradientCheckTests.numericalGradient(at: h) { hamiltonian(theta: thetaValues, state: $0) }
        let dH_dtheta = GradientCheckTests.numericalGradient(at: thetaValues) { hamiltonian(theta: $0, state: h) }

        model.parametersDidChange(theta.pointer)
        setState(h)
        layer.zRe.assign(Array(z[0..<4]))
        layer.zIm.assign(Array(z[4..<8]))
        var y = [Double](repeating: 0, count: 2), outputGradient = y
        model.forward(input: u, parameters: theta.pointer, output: &y)
        _ = LossFunction.meanSquaredError.evaluate(
            prediction: y, target: target, count: 2, gradientScale: phi, gradient: &outputGradient)
        var gradient = [Double](repeating: .nan, count: model.layout.count)
        model.backward(parameters: theta.pointer, outputGradient: &outputGradient, gradient: &gradient, step: EulerStep(tau: tau, eta: eta))

        let expectedZ = zip(z, dH_dh).map { (1 - tau * eta) * $0 + tau * $1 }
        #expect(maxAbsDifference(layer.zRe.array + layer.zIm.array, expectedZ) <= 1e-8)
        #expect(maxAbsDifference(gradient, dH_dtheta) <= 1e-7)
        #expect(gradient.allSatisfy { $0.isFinite }, "every gradient slot must be written")
    }
}
