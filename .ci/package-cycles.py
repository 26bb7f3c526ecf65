#!/usr/bin/env python3
# Fails when Java packages under the given source roots depend on each other in a cycle (imports and fully
# qualified names). Usage: .ci/package-cycles.py ffm/src/main/java lua-bindings/src/main/java engine/src/main/java
import os,re,sys,itertools
roots=sys.argv[1:]
deps={}
ref=re.compile(r'\b(io\.npflua(?:\.[a-z][a-z0-9_]*)+)\.[A-Z]')
for root in roots:
  for d,_,fs in os.walk(root):
    for f in fs:
      if not f.endswith('.java'): continue
      src=open(os.path.join(d,f)).read()
      m=re.search(r'^package\s+([\w.]+);',src,re.M)
      if not m: continue
      p=m.group(1); deps.setdefault(p,set())
      for r in ref.findall(src):
        if r!=p: deps[p].add(r)
# tarjan SCC
idx={};low={};st=[];on=set();sccs=[];c=[0]
sys.setrecursionlimit(10000)
def sc(v):
  idx[v]=low[v]=c[0];c[0]+=1;st.append(v);on.add(v)
  for w in deps.get(v,()):
    if w not in deps: continue
    if w not in idx: sc(w);low[v]=min(low[v],low[w])
    elif w in on: low[v]=min(low[v],idx[w])
  if low[v]==idx[v]:
    s=[]
    while True:
      w=st.pop();on.discard(w);s.append(w)
      if w==v:break
    if len(s)>1: sccs.append(s)
for v in list(deps):
  if v not in idx: sc(v)
for s in sccs:
  print("CYCLE:", sorted(s))
  for a in s:
    for b in sorted(deps[a]&set(s)): print("   ",a,"->",b)
print("packages:",len(deps),"cycles:",len(sccs))
sys.exit(1 if sccs else 0)
