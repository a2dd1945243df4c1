import ACDCore
