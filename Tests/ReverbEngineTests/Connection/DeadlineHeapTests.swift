import NIOCore
import Testing

@testable import ReverbEngine

/// The keep-alive queue's heap against a plain list: random adds, moves and removals, then everything taken out in
/// deadline order.
@Suite("Deadline heap")
struct DeadlineHeapTests {
    final class Member: DeadlineHeapMember {
        let id: Int
        var heapSlot = -1

        init(id: Int) {
            self.id = id
        }
    }

    @Test("members come out in deadline order after random adds, moves and removals; slots stay right")
    func randomOperations() {
        var random = SeededRandom(seed: 12)
        for round in 0..<20 {
            var heap = DeadlineHeap<Member>()
            let members = (0..<(50 + round * 10)).map { Member(id: $0) }
            var model: [Int: Int64] = [:]
            for _ in 0..<(members.count * 4) {
                let member = members.randomElement(using: &random)!
                if Int.random(in: 0..<4, using: &random) == 0 {
                    heap.remove(member)
                    model[member.id] = nil
                    #expect(member.heapSlot == -1)
                } else {
                    let at = Int64.random(in: 0..<1_000, using: &random)
                    heap.set(member, to: .uptimeNanoseconds(UInt64(at)))
                    model[member.id] = at
                }
                #expect(heap.count == model.count)
            }
            var out: [Int64] = []
            while let member = heap.popDue(now: .uptimeNanoseconds(1_000)) {
                let deadline = model.removeValue(forKey: member.id)
                #expect(deadline != nil, "member \(member.id) came out but was not in")
                out.append(deadline ?? -1)
                #expect(member.heapSlot == -1)
            }
            #expect(model.isEmpty)
            #expect(out == out.sorted())
        }
    }

    @Test("only members that are due come out; a moved member comes out at its new deadline")
    func dueOnly() {
        var heap = DeadlineHeap<Member>()
        let (a, b, c) = (Member(id: 1), Member(id: 2), Member(id: 3))
        heap.set(a, to: .uptimeNanoseconds(30))
        heap.set(b, to: .uptimeNanoseconds(10))
        heap.set(c, to: .uptimeNanoseconds(20))
        heap.set(b, to: .uptimeNanoseconds(40))
        #expect(heap.first?.member === c)
        #expect(heap.popDue(now: .uptimeNanoseconds(5)) == nil)
        #expect(heap.popDue(now: .uptimeNanoseconds(30))?.id == 3)
        #expect(heap.popDue(now: .uptimeNanoseconds(30))?.id == 1)
        #expect(heap.popDue(now: .uptimeNanoseconds(30)) == nil)
        heap.remove(a)
        #expect(heap.count == 1)
        #expect(heap.popDue(now: .uptimeNanoseconds(40))?.id == 2)
        #expect(heap.count == 0)
    }
}
