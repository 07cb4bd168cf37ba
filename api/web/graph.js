// The neighbourhood drawn with cytoscape (from npm, served by this server): entities coloured by label or kind,
// relations as labelled arrows, provisions as diamonds tied to their agreement and parties.
import cytoscape from '../../vendor/cytoscape/dist/cytoscape.esm.min.mjs';

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2',
  '#7f7f7f', '#bcbd22', '#393b79', '#637939', '#843c39', '#7b4173', '#3182bd', '#e6550d'];
const LABEL_COLOURS = { Actor: '#1f77b4', Territory: '#2ca02c', Agreement: '#9467bd', Event: '#d62728' };
const PROVISION_COLOUR = '#b8860b';
const CLAIM_COLOUR = '#c0392b';
const CONTESTED_COLOUR = '#7d3c98';
const ROLE_EDGES = [['agreement', 'under'], ['obliges', 'obliges'], ['concerns', 'concerns'], ['benefits', 'benefits']];

export class GraphView {
  constructor(container, { onSelect, onExpand }) {
    this.colourBy = 'label';
    this.kindColours = new Map();
    this.filters = { minConfidence: 0, provisions: true };
    this.cy = cytoscape({
      container,
      wheelSensitivity: 0.3,
      minZoom: 0.2,
      maxZoom: 3,
      style: [
        { selector: 'node', style: {
          label: 'data(name)', 'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 4,
          'text-wrap': 'ellipsis', 'text-max-width': 140, 'background-color': 'data(colour)', width: 22, height: 22,
          color: '#222', 'text-outline-color': '#fff', 'text-outline-width': 2 } },
        { selector: 'node.focus', style: { width: 34, height: 34, 'border-width': 3, 'border-color': '#111',
          'font-weight': 'bold' } },
        { selector: 'node.provision', style: { shape: 'diamond', width: 18, height: 18, 'font-size': 9,
          label: 'data(name)', color: '#6b5200' } },
        { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#f5b700' } },
        { selector: 'edge', style: {
          width: 'mapData(confidence, 0, 1, 1, 5)', 'line-color': '#9aa4b1', 'target-arrow-color': '#9aa4b1',
          'target-arrow-shape': 'triangle', 'curve-style': 'bezier', label: 'data(predicate)', 'font-size': 8,
          color: '#444', 'text-rotation': 'autorotate', 'text-background-color': '#fff',
          'text-background-opacity': 0.8, 'text-background-padding': 1 } },
        { selector: 'edge.claimed', style: { 'line-style': 'dotted', 'line-color': CLAIM_COLOUR,
          'target-arrow-color': CLAIM_COLOUR,
          label: (edge) => `${edge.data('predicate')} (claimed by ${edge.data('claimedBy')})` } },
        { selector: 'edge.contested', style: { 'line-style': 'dashed', 'line-dash-pattern': [9, 4],
          'line-color': CONTESTED_COLOUR, 'target-arrow-color': CONTESTED_COLOUR,
          label: (edge) => `${edge.data('predicate')} (contested${edge.data('claimedBy')
            ? `; claimed by ${edge.data('claimedBy')}` : ''})` } },
        { selector: 'edge.role', style: { 'line-style': 'dashed', 'line-color': '#d9c27a', label: '',
          'target-arrow-shape': 'none', width: 1.5, color: '#8a7020' } },
        { selector: 'edge:selected', style: { 'line-color': '#f5b700', 'target-arrow-color': '#f5b700', width: 5 } },
        { selector: '.hidden', style: { display: 'none' } },
      ],
    });
    this.cy.on('tap', 'node, edge', (event) => onSelect(event.target.data()));
    this.cy.on('dbltap', 'node.entity', (event) => onExpand(event.target.id()));
  }

  colour(entity) {
    if (this.colourBy === 'label') return LABEL_COLOURS[entity.label] || '#555';
    if (!this.kindColours.has(entity.kind)) {
      this.kindColours.set(entity.kind, PALETTE[this.kindColours.size % PALETTE.length]);
    }
    return this.kindColours.get(entity.kind);
  }

  clear() {
    this.cy.elements().remove();
  }

  addEntity(entity, focus = false) {
    const existing = this.cy.getElementById(entity.id);
    if (existing.nonempty()) {
      if (focus) existing.addClass('focus');
      return;
    }
    this.cy.add({ group: 'nodes', classes: focus ? 'entity focus' : 'entity',
      data: { id: entity.id, name: entity.name, label: entity.label, kind: entity.kind, type: 'entity',
        colour: this.colour(entity) } });
  }

  addRelation(relation) {
    if (this.cy.getElementById(`r:${relation.id}`).nonempty()) return false;
    this.addEntity(relation.subject);
    this.addEntity(relation.object);
    // a claim: every source reports someone's claim (and names whose); the edge is drawn dotted
    const claimants = (relation.claimedBy || []).map((e) => e.name);
    const claimed = claimants.length > 0;
    // contested: other sources report the opposite (SUPPORTS and OPPOSES ...); drawn dashed, in its own colour
    const contestedBy = relation.contestedBy || [];
    const classes = ['relation', claimed ? 'claimed' : null, contestedBy.length ? 'contested' : null];
    this.cy.add({ group: 'edges', classes: classes.filter(Boolean).join(' '), data: {
      claimedBy: claimed ? claimants.join(', ') : '', contestedBy: contestedBy.map((r) => r.predicate).join(', '),
      id: `r:${relation.id}`, key: relation.id, type: 'relation', source: relation.subject.id,
      target: relation.object.id, predicate: relation.predicate, confidence: relation.confidence ?? 0,
      s: relation.subject.id, o: relation.object.id, sName: relation.subject.name, oName: relation.object.name } });
    return true;
  }

  addProvision(provision) {
    const id = `p:${provision.id}`;
    if (this.cy.getElementById(id).nonempty()) return false;
    const parties = provision.obliges.map((e) => e.name).join(', ');
    this.cy.add({ group: 'nodes', classes: 'provision', data: {
      id, key: provision.id, type: 'provision', name: `${provision.type}${parties ? ` (${parties})` : ''}`,
      provisionType: provision.type, agreement: provision.agreement.id, agreementName: provision.agreement.name,
      obliges: provision.obliges.map((e) => e.id), concerns: provision.concerns.map((e) => e.id),
      confidence: provision.confidence ?? 0, colour: PROVISION_COLOUR } });
    for (const [field, role] of ROLE_EDGES) {
      const ends = field === 'agreement' ? [provision.agreement] : provision[field];
      for (const end of ends) {
        this.addEntity(end);
        this.cy.add({ group: 'edges', classes: 'role', data: { id: `${id}:${field}:${end.id}`, type: 'role',
          source: id, target: end.id, predicate: role, confidence: provision.confidence ?? 0, provision: id } });
      }
    }
    return true;
  }

  setColourBy(mode) {
    this.colourBy = mode;
    this.cy.nodes('.entity').forEach((node) => node.data('colour', this.colour(node.data())));
  }

  // Hide relations and provisions under the minimum confidence (or provisions altogether), then the entities
  // left without a visible fact (never the focus).
  applyFilters() {
    const { minConfidence, provisions } = this.filters;
    this.cy.batch(() => {
      this.cy.elements().removeClass('hidden');
      this.cy.nodes('.provision').forEach((node) => {
        if (!provisions || node.data('confidence') < minConfidence) node.addClass('hidden');
      });
      this.cy.edges('.relation').forEach((edge) => {
        if (edge.data('confidence') < minConfidence) edge.addClass('hidden');
      });
      this.cy.edges('.role').forEach((edge) => {
        if (edge.source().hasClass('hidden')) edge.addClass('hidden');
      });
      this.cy.nodes('.entity').forEach((node) => {
        if (!node.hasClass('focus') && node.connectedEdges().not('.hidden').empty()) node.addClass('hidden');
      });
    });
  }

  // Rings around the focus by distance from it (a provision is half a step): its provisions, then its
  // neighbours, then what an expanded neighbour adds further out.
  layout() {
    const focus = this.cy.nodes('.focus');
    let level = () => 1;
    if (focus.nonempty()) {
      const paths = this.cy.elements().dijkstra({ root: focus, directed: false,
        weight: (edge) => (edge.hasClass('role') ? 0.5 : 1) });
      level = (node) => {
        const distance = paths.distanceTo(node);
        return Number.isFinite(distance) ? 100 - 20 * distance : 0;
      };
    }
    const few = this.cy.nodes().length < 6; // a short ring would hide the edges' labels: spread it
    this.cy.layout({ name: 'concentric', concentric: level, levelWidth: () => 1, minNodeSpacing: 45,
      spacingFactor: few ? 2.5 : 1, animate: false, padding: 30, fit: true, avoidOverlap: true }).run();
    if (this.cy.zoom() > 1.4) {
      this.cy.zoom(1.4);
      this.cy.center();
    }
  }

  legend() {
    const colours = this.colourBy === 'label' ? Object.entries(LABEL_COLOURS) : [...this.kindColours.entries()];
    return colours.concat([['Provision', PROVISION_COLOUR], ['Claim reported from one side (dotted)', CLAIM_COLOUR],
      ['Contested: other sources report the opposite (dashed)', CONTESTED_COLOUR]]);
  }

  count() {
    return { nodes: this.cy.nodes('.entity').length, provisions: this.cy.nodes('.provision').length,
      relations: this.cy.edges('.relation').length };
  }

  select(id) {
    this.cy.elements().unselect();
    const element = this.cy.getElementById(id);
    if (element.nonempty()) element.select();
  }
}
